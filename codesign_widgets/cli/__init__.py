"""The ``codesign`` command (:mod:`.main`), its serve and data commands, and the demo
workshop it sets up."""
