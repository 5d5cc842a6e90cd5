# JupyterHub for facilitators' sign-in: JupyterHub starts the co-design hub as a service and
# its proxy routes /services/codesign/ to it; every hub page is checked with JupyterHub's
# OAuth. Participants never go through JupyterHub: phones use the participant servers
# (codesign-participant@.service behind nginx), which need no account.
# Add your authenticator (PAM, LDAP, OAuth...) and serve JupyterHub over TLS.
# tests/test_deploy.py loads this file with traitlets and parses the service's command line.
c = get_config()  # noqa: F821  (JupyterHub's config loader provides get_config)

c.JupyterHub.public_url = "https://hub.example.org/"  # the hub accepts this Host name
c.JupyterHub.services = [
    {
        "name": "codesign",
        "url": "http://127.0.0.1:8867",
        "oauth_no_confirm": True,
        "command": [
            "/opt/codesign/bin/codesign",
            "serve",
            "--hub-only",
            "--facilitator-login",
            "jupyterhub",
            "--facilitator-port",
            "8867",
            "--public-url",
            "https://studio.example.org/",
            "--db",
            "postgresql://studio@dbhost/workshops",
        ],
        "environment": {"HOME": "/var/lib/codesign", "XDG_STATE_HOME": "/var/lib"},
    }
]
# Who may open the hub: JupyterHub refuses the service's sign-in to anyone else.
c.JupyterHub.load_roles = [
    {
        "name": "codesign-facilitators",
        "groups": ["facilitators"],
        "scopes": ["access:services!service=codesign"],
    }
]
