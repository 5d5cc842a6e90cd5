"""`codesign cert`: a local authority and a server certificate for this laptop, offline."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import urllib.error
import urllib.request

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from codesign_widgets.cli.main import main
from codesign_widgets.serving.certs import (
    CA_MIME,
    CaDownload,
    TlsFiles,
    make_certificates,
    server_names,
    tls_dir,
)
from codesign_widgets.serving.processes import free_port
from codesign_widgets.serving.voila_main import tls_context

NAMES = ["127.0.0.1", "192.168.1.20", "10.0.0.7", "studio-laptop.local"]


def load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.fixture
def files(tmp_path) -> TlsFiles:
    return make_certificates(tmp_path / "tls", NAMES)


def test_the_server_certificate_names_every_address_and_host(files):
    san = load(files.server_cert).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    ips = san.value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("192.168.1.20") in ips
    assert ipaddress.ip_address("10.0.0.7") in ips
    assert ipaddress.ip_address("127.0.0.1") in ips
    assert san.value.get_values_for_type(x509.DNSName) == ["studio-laptop.local"]
    assert sorted(files.covered_names()) == sorted(NAMES)


def test_the_authority_signs_servers_only_and_the_server_is_no_authority(files):
    ca, server = load(files.ca_cert), load(files.server_cert)
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical
    assert constraints.value.ca
    assert constraints.value.path_length == 0
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    purposes = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(purposes) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert server.issuer == ca.subject
    server.verify_directly_issued_by(ca)


def test_private_keys_are_the_users_only(files):
    for key in (files.ca_key, files.server_key):
        assert key.stat().st_mode & 0o777 == 0o600
        assert b"PRIVATE KEY" in key.read_bytes()
    assert files.folder.stat().st_mode & 0o077 == 0
    for public in (files.ca_cert, files.server_cert):
        assert b"PRIVATE" not in public.read_bytes()


def test_expiry_suits_phones(files):
    now = dt.datetime.now(dt.UTC)
    server, ca = load(files.server_cert), load(files.ca_cert)
    # Apple refuses server certificates valid for more than 825 days.
    assert dt.timedelta(days=365) < server.not_valid_after_utc - now < dt.timedelta(days=398)
    assert server.not_valid_before_utc <= now
    assert ca.not_valid_after_utc - now > dt.timedelta(days=9 * 365)


def test_a_new_server_certificate_keeps_the_authority_phones_trust(files):
    ca_before = files.ca_cert.read_bytes()
    server_before = files.server_cert.read_bytes()
    again = make_certificates(files.folder, ["127.0.0.1", "172.16.5.9"])
    assert again.ca_cert.read_bytes() == ca_before
    assert again.server_cert.read_bytes() != server_before
    assert "172.16.5.9" in again.covered_names()
    load(again.server_cert).verify_directly_issued_by(load(again.ca_cert))


def test_an_authority_close_to_its_end_is_replaced(files):
    ca_before = files.ca_cert.read_bytes()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650 - 100)
    again = make_certificates(files.folder, NAMES, now=later)
    assert again.ca_cert.read_bytes() != ca_before


def test_python_trusts_the_server_through_the_authority_only(files):
    """A real TLS handshake: verified with the studio's authority, refused without it."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server_ctx = tls_context(
        {"codesign_tls_cert": files.server_cert, "codesign_tls_key": files.server_key}
    )

    def serve_twice() -> None:
        for _ in range(2):
            conn, _addr = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (ssl.SSLError, OSError):
                continue

    thread = threading.Thread(target=serve_twice, daemon=True)
    thread.start()
    trusting = ssl.create_default_context(cafile=str(files.ca_cert))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        trusting.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        tls.sendall(b"x")
    stranger = ssl.create_default_context()  # the system's authorities only
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        stranger.wrap_socket(raw, server_hostname="127.0.0.1")
    thread.join(5)
    listener.close()


def test_the_download_serves_the_public_certificate_and_nothing_else(files):
    with CaDownload(files.ca_cert, "127.0.0.1", free_port()) as download:
        with urllib.request.urlopen(download.url, timeout=5) as response:
            assert response.headers["Content-Type"] == CA_MIME
            assert response.read() == files.ca_cert.read_bytes()
        base = download.url.rsplit("/", 1)[0]
        for path in ("/codesign-ca.key", "/server.key", "/", "/../codesign-ca.key"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path, timeout=5)
            assert refused.value.code == 404


def test_server_names_cover_loopback_and_the_host():
    names = server_names(["192.168.1.20"])
    assert {"127.0.0.1", "localhost", socket.gethostname(), "192.168.1.20"} <= set(names)
    with pytest.raises(ValueError, match="at least one"):
        make_certificates(tls_dir(), [])


def test_codesign_cert_writes_to_the_state_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["cert", "--name", "studio.example"]) == 0
    out = capsys.readouterr().out
    files = TlsFiles(tls_dir())
    assert files.folder == tmp_path / "codesign" / "tls"
    assert files.exists()
    assert "studio.example" in files.covered_names()
    assert "codesign serve --lan --tls" in out


def test_serve_tls_without_a_certificate_says_what_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["serve", "--tls", "--db", str(tmp_path / "w.db")]) == 2
    err = capsys.readouterr().err
    assert "run `codesign cert` once, then start again with --tls" in err
    assert "Traceback" not in err


def test_serve_tls_with_a_certificate_for_another_network_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    make_certificates(tls_dir(), ["192.0.2.1"])  # not this laptop's loopback
    assert main(["serve", "--tls", "--db", str(tmp_path / "w.db")]) == 2
    assert "does not cover this laptop's address 127.0.0.1" in capsys.readouterr().err


@pytest.mark.slow
def test_a_silent_client_of_the_download_is_dropped(files):
    from codesign_widgets.serving import certs

    handler = certs._handler_for(b"x")
    assert 0 < handler.timeout <= 30  # a half-open connection does not hold a thread forever
    with CaDownload(files.ca_cert, "127.0.0.1", free_port()) as download:
        port = int(download.url.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=handler.timeout + 10) as conn:
            assert conn.recv(10) == b""  # closed by the server, nothing sent
