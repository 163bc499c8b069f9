"""Fetch the maps' JavaScript, CSS, images and fonts into maps/static/maps/vendor/.

    .venv/bin/python maps/vendor/fetch.py

Reads `assets.json` next to this file. Every npm package is fetched with `npm pack`
(exact version; the tarball's sha512 must match the pinned integrity), and only the
listed files are copied out, each with its package's licence. Files from the installed
folium wheel are checked against their sha256. The output directory is rebuilt from
scratch, so what is on disk is exactly what the manifest lists.

Changes made to the upstream files, and why:

- `sourceMappingURL` comments are dropped from .js and .css: the .map files are not
  shipped, and Django's manifest static storage refuses references to missing files.
- `woff2_only`: Font Awesome's @font-face rules keep only their woff2 source (every
  browser we support reads woff2), which leaves out ~650 kB of .ttf files.
- `glyphicons_only`: the Glyphicons part of Bootstrap 3's CSS (what folium's
  bootstrap-glyphicons.css link gives), with a woff2/woff @font-face.
- `awesome_rotate_css`: folium's leaflet.awesome.rotate.min.css is not in its wheel; its
  rules are generated.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "assets.json"
OUTPUT = HERE.parent / "static" / "maps" / "vendor"

_SOURCE_MAP = re.compile(
    rb"\n?[ \t]*(?://[#@] sourceMappingURL=[^\n]*|/\*[#@] sourceMappingURL=.*?\*/)"
)
_TTF_SOURCE = re.compile(r',\s*url\([^)]*\.ttf\)\s*format\("truetype"\)')
_GLYPHICONS_FONT_FACE = """@font-face {
  font-family: "Glyphicons Halflings";
  src: url("../fonts/glyphicons-halflings-regular.woff2") format("woff2"),
    url("../fonts/glyphicons-halflings-regular.woff") format("woff");
}
"""


class FetchError(RuntimeError):
    """A package, file or checksum is not what the manifest pins."""


def _woff2_only(data: bytes) -> bytes:
    text, count = _TTF_SOURCE.subn("", data.decode("utf-8"))
    if count == 0 or ".ttf" in text:
        raise FetchError("woff2_only: the CSS no longer has the expected ttf sources")
    return text.encode("utf-8")


def _glyphicons_only(data: bytes) -> bytes:
    css = data.decode("utf-8")
    start = css.find(".glyphicon {")
    rules = re.findall(r"\.glyphicon-[a-z0-9-]+:before \{[^}]*\}", css)
    if start < 0 or not rules:
        raise FetchError("glyphicons_only: no Glyphicons rules in the Bootstrap 3 CSS")
    base = css[start : css.index("}", start) + 1]
    header = "/* Glyphicons Halflings from Bootstrap 3.4.1 (MIT), see LICENSE. */\n"
    return (header + _GLYPHICONS_FONT_FACE + base + "\n" + "\n".join(rules) + "\n").encode()


def _awesome_rotate_css(_: bytes) -> bytes:
    rules = (f".fa-rotate-{d}{{transform:rotate({d}deg)}}" for d in range(1, 361))
    return ("\n".join(rules) + "\n").encode()


EDITS: dict[str, Callable[[bytes], bytes]] = {
    "woff2_only": _woff2_only,
    "glyphicons_only": _glyphicons_only,
    "awesome_rotate_css": _awesome_rotate_css,
}


def _npm_pack(spec: str, integrity: str, workdir: Path) -> tarfile.TarFile:
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FetchError(f"npm pack {spec} failed: {exc}") from exc
    tarball = workdir / json.loads(out)[0]["filename"]
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    got = "sha512-" + base64.b64encode(digest).decode()
    if got != integrity:
        raise FetchError(f"{spec}: integrity {got} is not the pinned {integrity}")
    return tarfile.open(tarball)


def _from_wheel(source: str, path: str, sha256: str | None) -> bytes:
    name, version = source.removeprefix("wheel:").rsplit("@", 1)
    dist = importlib.metadata.distribution(name)
    if dist.version != version:
        raise FetchError(f"{name} {dist.version} is installed; the manifest pins {version}")
    data = Path(str(dist.locate_file(path))).read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise FetchError(f"{name}/{path}: sha256 differs from the manifest")
    return data


def fetch(manifest: dict[str, Any], output: Path) -> list[Path]:
    """Build `output` from scratch as the manifest lists; return the files written."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        tarballs: dict[str, tarfile.TarFile] = {}
        staged = Path(tmp) / "vendor"
        for entry in manifest["files"]:
            source: str = entry["from"]
            if source.startswith("npm:"):
                spec = source.removeprefix("npm:")
                if spec not in tarballs:
                    tarballs[spec] = _npm_pack(spec, manifest["npm"][spec], Path(tmp))
                member = tarballs[spec].extractfile(f"package/{entry['path']}")
                if member is None:
                    raise FetchError(f"{spec} has no file {entry['path']}")
                data = member.read()
            elif source.startswith("wheel:"):
                data = _from_wheel(source, entry["path"], entry.get("sha256"))
            elif source == "generated":
                data = b""
            else:
                raise FetchError(f"unknown source {source!r}")
            if "edit" in entry:
                data = EDITS[entry["edit"]](data)
            if entry["to"].endswith((".js", ".css")):
                data = _SOURCE_MAP.sub(b"", data)
            target = staged / entry["to"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(output / entry["to"])
        for archive in tarballs.values():
            archive.close()
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(staged, output)
    return written


def main() -> int:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    try:
        files = fetch(manifest, OUTPUT)
    except FetchError as exc:
        print(f"fetch: {exc}", file=sys.stderr)
        return 1
    total = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {total / 1024:.0f} KiB in {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
