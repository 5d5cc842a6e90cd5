"""A file upload for the facilitator page that sends files in pieces, with a progress bar.

ipywidgets' ``FileUpload`` sends a whole file in one websocket message; the facilitator page
carries at most 10 MiB in one message (``facilitator_max_message_bytes``), so a bigger file
closed the page's connection. :class:`ChunkedUpload` checks the size in the browser before
anything is sent (over the limit: a message, nothing sent), then sends 1 MiB pieces, each its
own message, and shows how far it got. The kernel checks again, since a browser can lie.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

__all__ = ["CHUNK_BYTES", "ChunkedUpload"]

#: One piece per websocket message: far under the 10 MiB the facilitator page carries.
CHUNK_BYTES = 1024 * 1024


class ChunkedUpload(anywidget.AnyWidget):
    """Choose files; they arrive in the kernel in pieces and ``on_files`` gets them whole as
    ``[(name, bytes)]``. ``on_error`` gets a sentence when a file is too big or a transfer
    breaks off. :meth:`receive` is what the browser's messages call (tests call it too)."""

    _esm = """
    const mb = (n) => (n / 1048576).toFixed(1);
    function render({ model, el }) {
      const id = "codesign-upload-" + Math.random().toString(36).slice(2);
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = model.get("label");
      const input = document.createElement("input");
      input.type = "file";
      input.id = id;
      input.multiple = true;
      input.accept = model.get("accept");
      const bar = document.createElement("progress");
      bar.max = 1;
      bar.value = 0;
      bar.style.display = "none";
      bar.setAttribute("aria-label", "Upload progress");
      const text = document.createElement("div");
      text.className = "codesign-upload-status";
      text.setAttribute("role", "status");
      text.setAttribute("aria-live", "polite");
      el.append(label, input, bar, text);
      model.on("change:status", () => { text.textContent = model.get("status"); });
      input.addEventListener("change", async () => {
        const files = Array.from(input.files);
        if (!files.length) return;
        const total = files.reduce((sum, f) => sum + f.size, 0);
        const max = model.get("max_bytes");
        const names = files.map((f) => f.name).join(", ");
        if (total > max) {
          text.textContent = `${names}: ${mb(total)} MB is more than the ${mb(max)} MB a map ` +
            "can be; nothing was sent. Export a smaller part of the map, or import it with " +
            "`codesign map import` on this laptop.";
          model.send({ type: "too_big", names: names, size: total });
          input.value = "";
          return;
        }
        bar.style.display = "";
        bar.value = 0;
        model.send({ type: "start", files: files.map((f) => ({ name: f.name, size: f.size })) });
        const step = model.get("chunk_bytes");
        let sent = 0;
        for (let i = 0; i < files.length; i++) {
          for (let offset = 0; offset < files[i].size; offset += step) {
            const piece = await files[i].slice(offset, offset + step).arrayBuffer();
            model.send({ type: "chunk", file: i, offset: offset }, undefined, [piece]);
            sent += piece.byteLength;
            bar.value = total ? sent / total : 1;
            text.textContent = `Sending ${names}: ${mb(sent)} of ${mb(total)} MB`;
          }
        }
        model.send({ type: "end" });
        text.textContent = `Sent ${names} (${mb(total)} MB): reading it...`;
        input.value = "";
      });
    }
    export default { render };
    """
    _css = """
    .codesign-upload-status { margin: 4px 0; min-height: 1.2em; }
    .anywidget progress { width: 320px; height: 14px; }
    """

    label = traitlets.Unicode("Choose file(s)").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(20 * 1024 * 1024, help="Largest upload, all files together").tag(
        sync=True
    )
    chunk_bytes = traitlets.Int(CHUNK_BYTES, help="Bytes in one websocket message").tag(sync=True)
    status = traitlets.Unicode("", help="What the kernel says about the upload").tag(sync=True)

    def __init__(
        self,
        on_files: Callable[[list[tuple[str, bytes]]], object],
        on_error: Callable[[str], object],
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.on_files, self.on_error = on_files, on_error
        self._files: list[dict] = []
        self._parts: list[list[bytes]] = []
        self.on_msg(lambda _widget, content, buffers: self.receive(content, buffers))

    def _fail(self, text: str) -> None:
        self._files, self._parts = [], []
        self.status = text
        self.on_error(text)

    def receive(self, content: dict, buffers: list | None = None) -> None:
        """One message from the browser: ``start`` (names and sizes), ``chunk`` (a piece of
        file ``file`` at ``offset``), ``end``, or ``too_big`` (nothing will be sent)."""
        kind = content.get("type") if isinstance(content, dict) else None
        limit = f"{self.max_bytes / 2**20:.0f} MB"
        if kind == "too_big":
            size = content.get("size", 0)
            size = size / 2**20 if isinstance(size, int | float) else 0
            self._fail(
                f"{str(content.get('names', 'The file'))[:200]}: {size:.1f} MB is more "
                f"than the {limit} a map can be; nothing was sent."
            )
        elif kind == "start":
            files = content.get("files")
            if (
                not isinstance(files, list)
                or not files
                or not all(isinstance(f, dict) and isinstance(f.get("size"), int) for f in files)
            ):
                self._fail("The upload could not start: choose the file again.")
                return
            if sum(f["size"] for f in files) > self.max_bytes:
                self._fail(f"The files are more than {limit} together; nothing was read.")
                return
            self._files = [
                {"name": str(f.get("name", "file"))[:200], "size": f["size"]} for f in files
            ]
            self._parts = [[] for _ in files]
            self.status = "Receiving..."
        elif kind == "chunk":
            index = content.get("file")
            if not self._files or not isinstance(index, int) or not 0 <= index < len(self._files):
                self._fail("The upload was interrupted: choose the file again.")
                return
            piece = bytes(buffers[0]) if buffers else b""
            received = sum(len(p) for p in self._parts[index])
            if (
                content.get("offset") != received
                or received + len(piece) > self._files[index]["size"]
            ):
                self._fail("The upload arrived out of order: choose the file again.")
                return
            self._parts[index].append(piece)
        elif kind == "end":
            if not self._files:
                self._fail("The upload was interrupted: choose the file again.")
                return
            files = [
                (f["name"], b"".join(p)) for f, p in zip(self._files, self._parts, strict=True)
            ]
            short = [
                f["name"]
                for f, (_n, data) in zip(self._files, files, strict=True)
                if len(data) != f["size"]
            ]
            self._files, self._parts = [], []
            if short:
                self._fail(f"{', '.join(short)} did not arrive whole: choose it again.")
                return
            self.status = ""
            self.on_files(files)
