"""The merchant configuration file: shops, catalog, network, initial stock and pipeline rules.

The file is JSON (or TOML, chosen by the ``.toml`` suffix) in the shape documented in ``docs/formats.md``.
:func:`parse_config` validates it strictly, cross-checks the references between its sections and builds the
domain values in a :class:`MerchantConfig`. Each section of the file has a module here that holds its pydantic
model, its cross-checks and its conversion to domain values; :mod:`.document` holds the whole file's model.
"""

from omscore.boundary.config.parser import MerchantConfig, load_config, parse_config

__all__ = ["MerchantConfig", "load_config", "parse_config"]
