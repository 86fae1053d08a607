"""libcoveoc4ids without the network: its schema and codelists from a directory.

libcoveoc4ids (through libcove) downloads the OC4IDS schema and codelists with
`requests` from the URLs in its configuration. Here every such download is
answered from SCHEMA_DIR instead, file by file, and any other URL fails the
test, so the real validator runs unchanged and nothing leaves the machine.
SCHEMA_DIR/README.md says which files belong there and where they come from.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libcove.lib.common
from libcoveoc4ids.api import oc4ids_json_output
from libcoveoc4ids.config import LibCoveOC4IDSConfig

SCHEMA_DIR = Path(
    os.environ.get("LUODI_OC4IDS_SCHEMA_DIR") or Path(__file__).parent / "oc4ids-schema"
)
SCHEMA_FILES = ("project-package-schema.json", "project-schema.json")


class MissingSchemaFile(AssertionError):
    pass


def missing_schema_files() -> list[str]:
    return [name for name in SCHEMA_FILES if not (SCHEMA_DIR / name).is_file()]


class LocalResponse:
    """What libcove reads of a `requests` response, from a file."""

    def __init__(self, path: Path):
        self.content = path.read_bytes()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self, **kwargs: Any) -> Any:
        return json.loads(self.content, **kwargs)

    def iter_lines(self) -> Iterator[bytes]:
        return iter(self.content.splitlines())

    def raise_for_status(self) -> None:
        return None


class OfflineValidator:
    """Call with a package; returns libcoveoc4ids' context (validation_errors, ...)."""

    def __init__(self) -> None:
        self.config = LibCoveOC4IDSConfig()
        self.served = {
            self.config.config["schema_host"]: SCHEMA_DIR,
            self.config.config["schema_codelists"]["0.9"]: SCHEMA_DIR / "codelists",
        }

    def get(self, url: str, config: Any = None, force_cache: bool = False) -> LocalResponse:
        for base, folder in self.served.items():
            if url.startswith(base):
                path = folder / url.removeprefix(base)
                if not path.is_file():
                    raise MissingSchemaFile(f"libcoveoc4ids needs {url}: put it at {path}")
                return LocalResponse(path)
        raise MissingSchemaFile(f"libcoveoc4ids asked for {url}, which is not served offline")

    def install(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(libcove.lib.common, "get_request", self.get)
        # libcove keeps loaded codelists and dereferenced schemas between calls.
        libcove.lib.common.load_core_codelists.cache_clear()
        libcove.lib.common._deref_schema.cache_clear()

    def __call__(self, package: dict) -> dict:
        return oc4ids_json_output(json_data=package, lib_cove_oc4ids_config=self.config)
