"""Static files a phone downloads once: versioned addresses, long-lived caching, gzip made once.

Voila serves its front end (``/voila/static/``, about 60 webpack chunks a page) and the
widget extensions (``/voila/labextensions/``, another 20) under addresses that do not change
when the files do, so it tells browsers to ask again every time (``no-cache``) or nothing at
all. On slow venue Wi-Fi every such question is a round trip, and a phone that reloads or
comes back after a server restart fetches the same 1.4 MB again.

Here each server serves the same files a second time under an address that names their
version, ``/voila/v/<version>/static/...`` and ``/voila/v/<version>/labextensions/...``,
where ``<version>`` digests every file's path, size and modification time
(:func:`static_version`). What is served there never changes, so it goes out as
:data:`IMMUTABLE`: a phone keeps it for a year and never asks again. A Voila or extension
upgrade changes the version, hence the addresses, and phones fetch the new files. The page's
configuration (``fullStaticUrl``, ``fullLabextensionsUrl``) points Voila's loader at the
versioned addresses; the chunks follow, as webpack loads them relative to those.

Pages ask for the files every participant page needs all at once, from ``<link
rel="preload">`` tags in the template, instead of in the four waves of round trips that
Voila's loader makes (its main script, its chunks, the extensions' entry points, their
chunks). The list is :data:`PRELOAD_MANIFEST`, written by ``tools/preload_manifest.py``;
files it names that are not installed are left out, so a stale list costs speed, never
a broken page.

Text files go out gzipped from :class:`Precompressed`, made once per file at level 9 instead
of at level 6 for every request. Browsers accept Brotli only from ``https://`` and loopback
addresses, and the studio serves phones over plain ``http://`` on the venue network, so
Brotli would reach no phone and is not made.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

#: Cache-Control of a file whose address names the version of its content.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Files worth compressing (the rest are images and fonts, compressed already).
COMPRESSIBLE = frozenset({".js", ".css", ".json", ".svg", ".html", ".txt", ".map", ".mjs"})
#: Below this size the gzip header outweighs the saving.
MIN_SIZE = 256
#: The front-end files every participant page fetches (``tools/preload_manifest.py``).
PRELOAD_MANIFEST = (
    Path(__file__).resolve().parent / "share/jupyter/voila/templates/codesign-base/preload.json"
)
#: Names another list (a JSON file); empty, pages preload nothing (to see what they ask for).
PRELOAD_ENV = "CODESIGN_PRELOAD_MANIFEST"
#: Address prefix (after the base URL) of the versioned copies.
VERSIONED = "voila/v"
_VERSION_RE = r"[0-9a-f]{16}"
#: A webpack asset named by its content hash (``9834b82ad26e2a37583d.woff2``).
_HASHED_NAME = re.compile(r"(^|/)[0-9a-f]{16,}\.[a-z0-9]+$")


def static_version(roots: Iterable[str | os.PathLike[str]]) -> str:
    """A 16-hex-digit digest of every file under ``roots``: path, size, modification time.

    A reinstall or upgrade of any file changes it; a server restart over the same files
    does not, so a phone's cached copies stay valid across restarts.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     (Path(folder) / "a.js").write_text("one")
    ...     before = static_version([folder])
    ...     same = static_version([folder])
    ...     (Path(folder) / "a.js").write_text("two!")
    ...     after = static_version([folder])
    3
    4
    >>> before == same, before == after, len(before)
    (True, False, 16)
    """
    digest = hashlib.sha256()
    for root in roots:
        base = Path(root)
        digest.update(str(base).encode())
        for path in sorted(_files(base)):
            stat = path.stat()
            name = path.relative_to(base).as_posix()
            digest.update(f"\0{name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def preload_files(
    manifest: Path, static_roots: Iterable[str], extension_roots: Iterable[str]
) -> list[str]:
    """The files ``manifest`` names that are installed, as addresses under a versioned one
    (with the query they are asked for with, if any).

    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     static = Path(folder, "static")
    ...     static.mkdir()
    ...     _ = (static / "voila.js").write_text("main")
    ...     listed = ["static/voila.js?v=1", "static/gone.js", "labextensions/x/static/a.js"]
    ...     _ = Path(folder, "m.json").write_text(json.dumps({"files": listed}))
    ...     preload_files(Path(folder, "m.json"), [str(static)], [])
    ['static/voila.js?v=1']
    """
    import json

    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError):
        return []
    roots = {"static": list(static_roots), "labextensions": list(extension_roots)}
    found = []
    for name in listed:
        kind, _, relative = str(name).partition("?")[0].partition("/")
        if ".." in relative.split("/"):
            continue
        if any(Path(root, relative).is_file() for root in roots.get(kind, ())):
            found.append(name)
    return found


def _files(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        return ()
    return (p for p in root.rglob("*") if p.is_file())


def immutable_template_file(path: str, versioned: bool) -> bool:
    """Whether a template's static file may be cached for good.

    Yes when its address carries ``?v=<content hash>`` (Voila's ``static_url``), or when its
    name is a content hash, as the fonts that ``index.css`` names are.

    >>> immutable_template_file("codesign-phone/static/index.css", versioned=True)
    True
    >>> immutable_template_file("codesign-phone/static/9834b82ad26e2a37583d.woff2", False)
    True
    >>> immutable_template_file("codesign-phone/static/voila.js", versioned=False)
    False
    """
    return versioned or bool(_HASHED_NAME.search(path))


class Precompressed:
    """gzip copies of static files, made once per file version and kept in memory.

    >>> import tempfile
    >>> store = Precompressed()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     script = Path(folder) / "chunk.js"
    ...     _ = script.write_text("console.log('hello');\\n" * 200)
    ...     store.warm([folder])
    ...     body = store.get(str(script))
    1
    >>> gzip.decompress(body) == b"console.log('hello');\\n" * 200, len(body) < 200
    (True, True)
    >>> store.get("/no/such/file.js") is None
    True
    """

    def __init__(self, level: int = 9) -> None:
        self.level = level
        self._copies: dict[str, tuple[int, int, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> bytes | None:
        """The gzip copy of ``path``, made now if missing or stale; None when not worth it
        (not a text file, too small, or not there).

        >>> script = str(PRELOAD_MANIFEST.with_name("codesign-a11y.js"))
        >>> Precompressed().get(script)[:2] == b"\\x1f\\x8b", Precompressed().get(__file__)
        (True, None)
        """
        if Path(path).suffix.lower() not in COMPRESSIBLE:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if stat.st_size < MIN_SIZE:
            return None
        held = self._copies.get(path)
        if held is not None and held[:2] == (stat.st_mtime_ns, stat.st_size):
            return held[2]
        with open(path, "rb") as source:
            body = gzip.compress(source.read(), self.level, mtime=0)
        with self._lock:
            self._copies[path] = (stat.st_mtime_ns, stat.st_size, body)
        return body

    def warm(self, roots: Iterable[str | os.PathLike[str]]) -> int:
        """Compress every file worth it under ``roots`` now; return how many are held.

        >>> Precompressed().warm([Path(__file__).parent / "share"]) > 0
        True
        """
        for root in roots:
            for path in _files(Path(root)):
                self.get(str(path))
        return len(self._copies)


#: The copies every handler of this process shares.
PRECOMPRESSED = Precompressed()


# -- Voila's side (run in the Voila process by voila_main.py) -------------------------------
#: The version of this process's static files and the files its pages preload, set when
#: Voila builds its handlers.
_CURRENT: dict = {}


def versioned_urls(page_config: dict, base_url: str) -> dict:
    """``page_config`` with Voila's static and extension addresses moved to their versioned
    copies, and the addresses the page should preload (``codesignPreload``); unchanged until
    this process knows the version.

    >>> _CURRENT.update(version="0123456789abcdef", preload=["static/voila.js"])
    >>> config = versioned_urls({"fullStaticUrl": "/voila/static"}, "/")
    >>> config["fullStaticUrl"], config["codesignPreload"]
    ('/voila/v/0123456789abcdef/static', ['/voila/v/0123456789abcdef/static/voila.js'])
    >>> _CURRENT.clear()
    """
    version = _CURRENT.get("version")
    if not version:
        return page_config
    prefix = f"{base_url.rstrip('/')}/{VERSIONED}/{version}"
    return {
        **page_config,
        "fullStaticUrl": f"{prefix}/static",
        "fullLabextensionsUrl": f"{prefix}/labextensions",
        "codesignPreload": [f"{prefix}/{name}" for name in _CURRENT.get("preload", ())],
    }


def prefetch_files(base_url: str) -> list[str]:
    """The versioned addresses of the files every participant page needs, for a page that
    comes before one (the join form) to fetch in the background; empty until this process
    knows the version.

    >>> _CURRENT.update(version="0123456789abcdef", preload=["static/voila.js"])
    >>> prefetch_files("/p1/")
    ['/p1/voila/v/0123456789abcdef/static/voila.js']
    >>> _CURRENT.clear()
    """
    return versioned_urls({}, base_url).get("codesignPreload", [])


def _accepts_gzip(handler) -> bool:
    accepted = handler.request.headers.get("Accept-Encoding", "")
    return "gzip" in accepted and "Range" not in handler.request.headers


async def _send_precompressed(handler, path: str, include_body: bool) -> bool:
    """Answer with the gzip copy of the file ``path`` names; False when there is none.

    The same steps as tornado's ``StaticFileHandler.get``, minus ranges (a range request
    gets the plain file from tornado).
    """
    if not _accepts_gzip(handler):
        return False
    handler.path = handler.parse_url_path(path)
    absolute = handler.get_absolute_path(handler.root, handler.path)
    handler.absolute_path = handler.validate_absolute_path(handler.root, absolute)
    if handler.absolute_path is None:
        return True  # tornado redirected a folder to its index already
    body = PRECOMPRESSED.get(handler.absolute_path)
    if body is None:
        return False
    handler.modified = handler.get_modified_time()
    handler.set_headers()  # tornado's gzip transform adds `Vary: Accept-Encoding`
    if handler.should_return_304():
        handler.set_status(304)
        return True
    handler.set_header("Content-Encoding", "gzip")
    handler.set_header("Content-Length", len(body))
    if include_body:
        handler.write(body)
    return True


def _versioned_handler(base: type) -> type:
    """A subclass of the static handler ``base`` for ``/voila/v/<version>/...`` addresses."""
    from jupyter_server.auth.decorator import allow_unauthenticated

    class Versioned(base):
        codesign_current = False

        def compute_etag(self) -> str | None:
            return None  # never asked again while current; Last-Modified serves the rest

        def set_headers(self) -> None:
            super().set_headers()
            # Another version's address (a page from before an upgrade) is answered with
            # today's file, which must not be kept under that address.
            self.set_header("Cache-Control", IMMUTABLE if self.codesign_current else "no-cache")
            if self.codesign_current:
                self.clear_header("Expires")

        @allow_unauthenticated
        async def get(self, version: str, path: str, include_body: bool = True) -> None:
            self.codesign_current = version == _CURRENT.get("version")
            if not await _send_precompressed(self, path, include_body):
                await base.get(self, path, include_body)

        @allow_unauthenticated
        async def head(self, version: str, path: str) -> None:
            await self.get(version, path, include_body=False)

    Versioned.__name__ = Versioned.__qualname__ = f"Versioned{base.__name__}"
    return Versioned


def _warm(app) -> None:
    """Compress Voila's front end and the allowed extensions' files in the background."""
    allowed = list(app.voila_configuration.extension_allowlist or [])
    roots = [*app.static_paths]
    for folder in app.labextensions_path:
        roots += [Path(folder) / name for name in allowed] if allowed else [folder]
    threading.Thread(target=PRECOMPRESSED.warm, args=(roots,), daemon=True).start()


def install() -> None:
    """Patch Voila (before its application is built) to serve static files as described
    in this module's docstring: versioned immutable copies, gzip made once, and immutable
    caching of the template files whose address or name is a content hash."""
    import voila.handler
    import voila.tornado.treehandler
    import voila.utils
    import voila.voila_kernel_manager
    from jupyter_server.base.handlers import FileFindHandler
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

    original_init_handlers = Voila.init_handlers

    def init_handlers(self):
        handlers = original_init_handlers(self)
        _CURRENT["version"] = static_version([*self.static_paths, *self.labextensions_path])
        manifest = Path(os.environ.get(PRELOAD_ENV, PRELOAD_MANIFEST))
        _CURRENT["preload"] = preload_files(manifest, self.static_paths, self.labextensions_path)
        versioned = url_path_join(self.server_url, VERSIONED, f"({_VERSION_RE})")
        ours = [
            (
                f"{versioned}/static/(.*)",
                _versioned_handler(MultiStaticFileHandler),
                {"paths": self.static_paths},
            ),
            (
                f"{versioned}/labextensions/(.*)",
                _versioned_handler(FileFindHandler),
                {"path": self.labextensions_path},
            ),
        ]
        _warm(self)
        return ours + handlers

    Voila.init_handlers = init_handlers

    original_page_config = voila.utils.get_page_config

    def get_page_config(base_url: str, *args, **kwargs) -> dict:
        return versioned_urls(original_page_config(base_url, *args, **kwargs), base_url)

    # Pages rendered for a request and pages pre-rendered by a preheated kernel.
    for module in (voila.handler, voila.voila_kernel_manager, voila.tornado.treehandler):
        module.get_page_config = get_page_config

    original_template_get = TemplateStaticFileHandler.get

    async def template_get(self, path: str, include_body: bool = True) -> None:
        if not await _send_precompressed(self, path, include_body):
            await original_template_get(self, path, include_body)

    def template_extra_headers(self, path: str) -> None:
        if immutable_template_file(path, "v" in self.request.arguments):
            self.set_header("Cache-Control", IMMUTABLE)
            self.clear_header("Expires")

    TemplateStaticFileHandler.get = template_get
    TemplateStaticFileHandler.set_extra_headers = template_extra_headers
