"""What a phone does to trust the studio's own certificate (``codesign serve --tls``).

Shown under the certificate's QR code on the hub's projected room tab, in the plan's language
(a message catalogue entry), and printed by ``codesign serve`` in English.

>>> "Android:" in TRUST_STEPS and "Certificate Trust Settings" in TRUST_STEPS
True
"""

from __future__ import annotations

from .i18n import N_

__all__ = ["TRUST_STEPS"]

#: What a phone does with the studio's certificate, under its QR code on the hub.
TRUST_STEPS = N_(
    "Phones: scan this first to trust the studio, then the join code. "
    "Android: open the downloaded codesign-ca.crt, name it, choose 'VPN and apps' or 'CA "
    "certificate' (Settings > Security > Encryption & credentials > Install a certificate). "
    "iPhone: tap Allow to download the profile, then Settings > Profile Downloaded > Install, "
    "then Settings > General > About > Certificate Trust Settings and switch on the studio. "
    "A phone that cannot or will not (work phones often cannot) still joins: it shows a "
    "warning once ('not private'), to be passed with 'Advanced' > 'Proceed'; the connection "
    "is encrypted either way, only the check that it is this laptop is missing. Remove the "
    "certificate after the workshop if you like."
)
