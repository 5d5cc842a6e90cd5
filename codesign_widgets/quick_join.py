"""The join as a plain HTML form: a cheap phone joins before Voila's front end has loaded.

A first visit of the widget join page downloads and runs 1.4 MB of JavaScript before the
form shows (about 12 s on a slow, throttled phone). Here the participant server answers the
join link with a small server-rendered form instead (no script): the code, then the name,
perspective and consent the widget form asks, in the workshop's language. It posts back to
the server, which joins through the same store call as the widget page
(:meth:`~codesign_widgets.store.people.People.join`: every rule is checked there), keeps the
token in the same HttpOnly cookie and sends the phone on to a page that says "You're in" (a
reload or the back button never posts the form twice); the activity page then opens with the
person already known. While the person reads and types, the page asks the browser to
fetch Voila's files in the background (``<link rel="prefetch">``), so the activity page then
loads as a phone's second visit does.

Everything a page shows from a person or a plan is escaped; nothing here builds widgets.
The tornado handler that serves these pages is in :mod:`.serving.join_form`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .core.errors import CodesignError
from .core.i18n import N_, Translator, translator
from .core.templates import Template, load_template
from .core.workshop import WorkshopState
from .studio import Studio

__all__ = ["FormFields", "QuickJoin", "code_page", "join_page", "joined_page"]

#: The perspective was not chosen (the same sentence the widget form says).
OPENING = N_("Opening the workshop. This can take a moment.")
OPEN_NOW = N_("Open it now")
NO_PERSPECTIVE = N_("Please choose how you take part (one of the options).")

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;font-size:1.1rem;"
    "line-height:1.5;max-width:36rem;color:#1a1a1a;background:#fff}"
    "h1{font-size:1.5rem;line-height:1.3}label{display:block}"
    "input[type=text]{font-size:1.1rem;padding:.5rem;width:100%;box-sizing:border-box;"
    "min-height:48px;border:2px solid #555;border-radius:4px}"
    "fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600;padding:0}"
    ".choice{display:flex;gap:.6rem;align-items:flex-start;min-height:48px;padding:.3rem 0}"
    ".choice input{width:1.4rem;height:1.4rem;margin:.15rem 0 0;flex:none}"
    "button{min-height:48px;padding:.5rem 1.5rem;font-size:1.1rem;font-weight:600;color:#fff;"
    "background:#0b4f9c;border:0;border-radius:4px;margin-top:1rem}"
    ".error{background:#fde7e9;border-left:4px solid #a30d0d;padding:.5rem .8rem}"
    ".ok{background:#e6f4ea;border-left:4px solid #1e6b34;padding:.5rem .8rem}"
    ":focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}"
)


@dataclass
class FormFields:
    """What a person typed into the join form (all untrusted)."""

    name: str = ""
    perspective: str = ""
    consent: bool = False

    @classmethod
    def from_form(cls, get: object) -> FormFields:
        """The fields from a request's ``get(argument_name, default)``.

        >>> FormFields.from_form({"name": " Ann ", "consent": "yes"}.get)
        FormFields(name=' Ann ', perspective='', consent=True)
        """
        return cls(
            name=str(get("name", ""))[:500],
            perspective=str(get("perspective", ""))[:100],
            consent=get("consent", "") == "yes",
        )


@dataclass
class Outcome:
    """What the form's server answered: the page, its status, and (joined) the token to
    keep for the workshop ``code``.

    >>> Outcome("<p>No</p>", 400).token
    ''
    """

    page: str
    status: int = 200
    token: str = ""
    code: str = ""


def _e(text: object) -> str:
    # HTML cannot carry a NUL (a parser shows U+FFFD): the store drops it anyway.
    return html.escape(str(text), quote=True).replace("\x00", "")


def _document(tr: Translator, title: str, body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html lang='{_e(tr.language)}' dir='{_e(tr.direction)}'><head>"
        "<meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # No icon to fetch: a phone's browser would otherwise ask for /favicon.ico (a 404).
        "<link rel='icon' href='data:,'>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style>{head}</head>"
        f"<body><main>{body}</main></body></html>"
    )


def _prefetch(files: list[str]) -> str:
    return "".join(f"<link rel='prefetch' href='{_e(href)}'>" for href in files)


def _error(text: str) -> str:
    return f"<p class='error' role='alert' id='form-error'>{_e(text)}</p>" if text else ""


def code_page(
    tr: Translator, action: str, code: str = "", error: str = "", prefetch: list[str] = ()
) -> str:
    """The first form: type the code shown on the big screen (sent with GET to ``action``).

    >>> page = code_page(translator("en"), "/codesign/enter", code="<b>", error="No <i>")
    >>> "value='&lt;b&gt;'" in page, "No &lt;i&gt;" in page, "<b>" in page
    (True, True, False)
    """
    _ = tr.gettext
    invalid = " aria-invalid='true' aria-describedby='form-error'" if error else ""
    body = (
        f"<h1>{_e(_('Join a workshop'))}</h1>{_error(error)}"
        f"<form method='get' action='{_e(action)}'>"
        f"<p id='code-help'>{_e(_('Type the code shown on the big screen.'))}</p>"
        f"<label for='code'>{_e(_('Join code'))}</label>"
        f"<input type='text' id='code' name='code' value='{_e(code[:32])}'"
        f" placeholder='{_e(_('e.g. KP7QXA'))}' autocomplete='off' autocapitalize='characters'"
        f" spellcheck='false' required{invalid}>"
        f"<button type='submit'>{_e(_('Continue'))}</button></form>"
    )
    return _document(tr, _("Join a workshop"), body, _prefetch(list(prefetch)))


def join_page(
    tr: Translator,
    workshop: WorkshopState,
    template: Template,
    action: str,
    fields: FormFields | None = None,
    error: str = "",
    prefetch: list[str] = (),
) -> str:
    """The join form of ``workshop``: name, perspective, the consent note and "I agree",
    posted to ``action``; ``fields`` as typed before (kept after an error).

    >>> from codesign_widgets.core.workshop import WorkshopState
    >>> w = WorkshopState(1, "ABC123", "<Walk>", "codesign_day", "welcome", {})
    >>> page = join_page(translator("en"), w, load_template("codesign_day"), "/x",
    ...                  FormFields(name="<script>"))
    >>> "&lt;Walk&gt;" in page, "<script>" in page, "name='consent' value='yes'" in page
    (True, False, True)
    """
    _ = tr.gettext
    fields = fields or FormFields()
    choices = "".join(
        f"<div class='choice'><input type='radio' id='p-{i}' name='perspective'"
        f" value='{_e(p.key)}'{' checked' if p.key == fields.perspective else ''}>"
        f"<label for='p-{i}'>{_e(f'{p.label}: {p.hint}' if p.hint else p.label)}</label></div>"
        for i, p in enumerate(template.perspectives)
    )
    body = (
        f"<h1>{_e(workshop.title)}</h1>{_error(error)}"
        f"<form method='post' action='{_e(action)}'>"
        f"<input type='hidden' name='code' value='{_e(workshop.code)}'>"
        f"<label for='name'>{_e(_('Your name (shown to the group)'))}</label>"
        f"<input type='text' id='name' name='name' value='{_e(fields.name)}'"
        f" placeholder='{_e(_('Leave empty to stay anonymous'))}' autocomplete='nickname'>"
        f"<fieldset><legend>{_e(_('I take part as'))}</legend>{choices}</fieldset>"
        f"<p id='consent-note'>{_e(template.consent.strip())}</p>"
        "<div class='choice'><input type='checkbox' id='consent' name='consent' value='yes'"
        f" aria-describedby='consent-note'{' checked' if fields.consent else ''}>"
        f"<label for='consent'>{_e(_('I agree'))}</label></div>"
        f"<button type='submit'>{_e(_('Join'))}</button></form>"
    )
    return _document(tr, workshop.title, body, _prefetch(list(prefetch)))


def joined_page(tr: Translator, name: str, next_page: str, prefetch: list[str] = ()) -> str:
    """ "You're in": said at once, then the activity page opens (a link, in case it does not).

    >>> page = joined_page(translator("en"), "<b>Ann</b>", "/voila/render/join.ipynb?code=A")
    >>> "You&#x27;re in, &lt;b&gt;Ann&lt;/b&gt;." in page
    True
    >>> "url=/voila/render/join.ipynb?code=A" in page
    True
    """
    _ = tr.gettext
    said = _("You're in, {name}.").format(name=name)
    body = (
        f"<h1>{_e(said)}</h1>"
        f"<p class='ok' role='status'>{_e(_(OPENING))}"
        f" <a href='{_e(next_page)}'>{_e(_(OPEN_NOW))}</a></p>"
    )
    head = f"<meta http-equiv='refresh' content='0; url={_e(next_page)}'>"
    return _document(tr, said, body, head + _prefetch(list(prefetch)))


class QuickJoin:
    """The form's server side: find the workshop for a code and join a person to it, with the
    studio's own store calls; one per server process, opened on first use.

    >>> studio = Studio.open("sqlite://")
    >>> workshop, _key = studio.workshops.create("Walk", "codesign_day")
    >>> joins = QuickJoin(studio)
    >>> out = joins.join(workshop.code, FormFields("Ann", "provider", True), "/x")
    >>> out.status, bool(out.token), out.code == workshop.code, out.page
    (303, True, True, '')
    >>> joins.join(workshop.code, FormFields("Ann", "provider", False), "/x").status
    400
    """

    def __init__(self, studio: Studio | None = None) -> None:
        self._studio = studio

    @property
    def studio(self) -> Studio:
        """The workshop file (``$CODESIGN_DB``), opened the first time it is needed."""
        if self._studio is None:
            self._studio = Studio.open(create=False)
        return self._studio

    def workshop(self, code: str) -> tuple[WorkshopState, Template, Translator]:
        """The workshop with ``code``, its plan and its language (or :class:`CodesignError`).

        >>> QuickJoin(Studio.open("sqlite://")).workshop("NOPE12")
        Traceback (most recent call last):
        ...
        codesign_widgets.core.errors.NotFound: No workshop has the code NOPE12. ...
        """
        workshop = self.studio.workshops.by_code(code)
        template = load_template(workshop.template)
        return workshop, template, translator(template.language)

    def returning(self, workshop: WorkshopState, token: str | None) -> str | None:
        """The shown name of the person ``token`` (this browser's cookie) names, if any.

        >>> studio = Studio.open("sqlite://")
        >>> w, _key = studio.workshops.create("Walk", "codesign_day")
        >>> _ann, token = studio.people.join(w.id, "Ann", "provider", True)
        >>> QuickJoin(studio).returning(w, token), QuickJoin(studio).returning(w, "x" * 20)
        ('Ann', None)
        """
        person = self.studio.people.participant_by_token(workshop.id, token)
        return None if person is None else person.shown_name

    def join(
        self,
        code: str,
        fields: FormFields,
        action: str,
        browser: Translator | None = None,
        prefetch: list[str] = (),
        full: tuple[str, ...] = (),
    ) -> Outcome:
        """Join ``fields``' person to the workshop ``code`` names: a 303 (see other) with the
        token and the workshop's code, after which the handler sends the phone to "You're in"
        (:func:`joined_page`); or the form again with what went wrong (what was typed kept).
        A wrong code is said in the ``browser``'s language; ``full``: the sentences (msgids)
        to answer with instead when the server has no place for another page."""
        try:
            workshop, template, tr = self.workshop(code)
        except CodesignError as exc:
            browser = browser or translator()
            page = code_page(browser, action, code, exc.translated(browser), prefetch)
            return Outcome(page, 404)

        def again(error: str, status: int = 400) -> Outcome:
            page = join_page(tr, workshop, template, action, fields, error, prefetch)
            return Outcome(page, status)

        if full:
            return again(" ".join(tr.gettext(sentence) for sentence in full), 503)
        if not fields.perspective:
            return again(tr.gettext(NO_PERSPECTIVE))
        try:
            _person, token = self.studio.people.join(
                workshop.id, fields.name, fields.perspective, fields.consent
            )
        except CodesignError as exc:
            return again(exc.translated(tr))
        return Outcome("", 303, token, workshop.code)
