"""The studio's own certificates for ``codesign serve --lan --tls``, made offline.

``codesign cert`` makes a local certificate authority (once: phones that trusted it keep
trusting it) and a server certificate it signs for this laptop's addresses and host name.
Phones that install the authority's certificate (the hub shows its QR code and a plain http
download link, :class:`CaDownload`) open the pages over https without a warning; phones that
do not still can, after a warning they have to click through. Private keys are written 0600.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = [
    "CA_MIME",
    "CA_PATH",
    "CaDownload",
    "TlsFiles",
    "make_certificates",
    "server_names",
    "tls_dir",
]

#: The address of the authority's certificate on the download server, and its MIME type
#: (Android and iOS offer to install a certificate served with it).
CA_PATH = "/codesign-ca.crt"
CA_MIME = "application/x-x509-ca-cert"
#: Days the authority and the server certificate are valid. Apple platforms refuse server
#: certificates valid for more than 825 days; a new one is a `codesign cert` away.
CA_DAYS = 3650
SERVER_DAYS = 397


def tls_dir(state_dir: Path | None = None) -> Path:
    """Where the certificates are kept: ``tls`` in the studio's state folder.

    >>> tls_dir(Path("/state")).as_posix()
    '/state/tls'
    """
    if state_dir is None:
        from .server import default_state_dir

        state_dir = default_state_dir()
    return Path(state_dir) / "tls"


@dataclass(frozen=True)
class TlsFiles:
    """The certificate files in one folder (see :func:`make_certificates`).

    >>> files = TlsFiles(Path("/state/tls"))
    >>> files.ca_cert.name, files.server_key.name, files.exists()
    ('codesign-ca.crt', 'server.key', False)
    """

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "codesign-ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.folder / "codesign-ca.key"

    @property
    def server_cert(self) -> Path:
        return self.folder / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.folder / "server.key"

    def exists(self) -> bool:
        """Whether the authority's certificate and the server's certificate and key exist."""
        return all(p.is_file() for p in (self.ca_cert, self.server_cert, self.server_key))

    def covered_names(self) -> list[str]:
        """The names and addresses the server certificate holds (empty when there is none)."""
        from cryptography import x509

        if not self.server_cert.is_file():
            return []
        cert = x509.load_pem_x509_certificate(self.server_cert.read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [str(v) for v in san.get_values_for_type(x509.IPAddress)] + list(
            san.get_values_for_type(x509.DNSName)
        )


def server_names(addresses: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The names a server certificate covers: loopback, this host's name and ``addresses``.

    >>> names = server_names(["192.168.1.20"])
    >>> names[:3], "192.168.1.20" in names
    (['127.0.0.1', 'localhost', '::1'], True)
    """
    names = ["127.0.0.1", "localhost", "::1"]
    host = socket.gethostname()
    for name in (host, f"{host}.local", *addresses):
        if name and name not in names:
            names.append(name)
    return names


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by this user only (0600, from the first byte)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)


def _subject_alt_names(names: list[str]):
    from cryptography import x509

    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_or_make_ca(files: TlsFiles, now: dt.datetime):
    """The existing authority (phones trusted it already) or a new one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    if files.ca_cert.is_file() and files.ca_key.is_file():
        cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
        if cert.not_valid_after_utc > now + dt.timedelta(days=SERVER_DAYS):
            key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
            return cert, key
    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Co-design studio on {socket.gethostname()}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Co-design studio (local)"),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        # An authority that signs server certificates only, none further down.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(files.ca_key, _pem_key(key))
    files.ca_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def make_certificates(folder: Path, names: list[str], now: dt.datetime | None = None) -> TlsFiles:
    """Make (or keep) the authority in ``folder`` and sign a new server certificate for
    ``names`` (IP addresses and host names); return the files.

    >>> import tempfile
    >>> files = make_certificates(Path(tempfile.mkdtemp()), ["127.0.0.1", "studio.local"])
    >>> files.exists(), sorted(files.covered_names())
    (True, ['127.0.0.1', 'studio.local'])
    >>> oct(files.server_key.stat().st_mode & 0o777), oct(files.ca_key.stat().st_mode & 0o777)
    ('0o600', '0o600')
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not names:
        msg = "a server certificate needs at least one address or host name"
        raise ValueError(msg)
    now = now or dt.datetime.now(dt.UTC)
    files = TlsFiles(Path(folder))
    files.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_cert, ca_key = _load_or_make_ca(files, now)
    key = _new_key()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
        .add_extension(_subject_alt_names(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(files.server_key, _pem_key(key))
    # The chain: phones that trust the authority verify the server through it.
    files.server_cert.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + ca_cert.public_bytes(serialization.Encoding.PEM)
    )
    return files


def _handler_for(body: bytes) -> type[BaseHTTPRequestHandler]:
    class CaHandler(BaseHTTPRequestHandler):
        """Answers ``CA_PATH`` with the authority's public certificate, anything else 404."""

        # A client that sends nothing is dropped after this many seconds (a thread each).
        timeout = 10

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != CA_PATH:
                self.send_error(404, "Only the studio's certificate is here")
                return
            self.send_response(200)
            self.send_header("Content-Type", CA_MIME)
            self.send_header("Content-Disposition", 'attachment; filename="codesign-ca.crt"')
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # a phone fetching a public file is nothing to log

    return CaHandler


class CaDownload:
    """A plain http server of the authority's public certificate only, so that a phone that
    does not trust the studio yet can fetch it without a warning (the key never leaves).

    >>> import tempfile, urllib.request
    >>> files = make_certificates(Path(tempfile.mkdtemp()), ["127.0.0.1"])
    >>> with CaDownload(files.ca_cert, "127.0.0.1", 0) as download:
    ...     response = urllib.request.urlopen(download.url, timeout=5)
    ...     response.headers["Content-Type"], response.read().startswith(b"-----BEGIN CERT")
    ('application/x-x509-ca-cert', True)
    """

    def __init__(self, ca_cert: Path, host: str, port: int) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler_for(ca_cert.read_bytes()))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="codesign-ca-download", daemon=True
        )
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self._server.server_address[1]}{CA_PATH}"

    def __enter__(self) -> CaDownload:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
