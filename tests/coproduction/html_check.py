"""Parse a rendered page and report anything a payload could have injected."""
from html.parser import HTMLParser

# Every element our templates produce; a payload's <img>, <iframe>, <style>… would not be.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "script", "a", "header", "div", "nav",
    "ul", "ol", "li", "button", "form", "input", "main", "h1", "h2", "h3", "h4", "h5", "p",
    "span", "strong", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "article", "time", "br", "label", "textarea", "fieldset", "legend", "section", "footer",
    "code", "svg", "path",
}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.scripts = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unexpected <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in ("style", "formaction", "background", "srcdoc"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src", "action") and value and \
                    value.strip().lower().replace("\t", "").startswith(BAD_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "meta" and any(n == "http-equiv" for n, _ in attrs):
            self.problems.append("meta http-equiv")
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.problems.append("payload inside a script")


def injection_problems(html: str) -> list[str]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    # base.html has exactly two scripts: the inline js-enabled class and the module.
    if len(parser.scripts) > 2:
        parser.problems.append(f"{len(parser.scripts)} scripts")
    return parser.problems
