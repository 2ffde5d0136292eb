"""``python -m omscore.boundary``: write the JSON Schema files again from the models (after changing a model)."""

import sys

from omscore.boundary.json_schema import schemas_directory, write_json_schemas

for path in write_json_schemas(schemas_directory()):
    sys.stdout.write(f"wrote {path}\n")
