"""The public names of omscore.boundary."""

from __future__ import annotations

import omscore.boundary


def test_all_is_sorted_and_names_only_what_the_package_defines() -> None:
    names = omscore.boundary.__all__

    assert names == sorted(names)
    assert all(hasattr(omscore.boundary, name) for name in names)


def test_all_lists_every_public_name_the_package_imports() -> None:
    public = {
        name
        for name, value in vars(omscore.boundary).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("omscore.boundary")
    }

    assert public <= set(omscore.boundary.__all__)
