"""ipywidgets views. Import the one you need (``views.join``, ``views.hub``): a participant
kernel must not pay for facilitator views."""
