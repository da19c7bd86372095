"""Warn when a comment seems to contain personal data, so its author can think again.

Nothing here blocks a comment: a finding asks the author to confirm. The patterns are
deliberately simple and explainable (the page says what it found and why). Covered:
e-mail addresses, UK phone numbers, NHS numbers (10 digits that pass the modulus-11
check), a date of birth (a date next to "born", "DOB", "date of birth" or "birthday")
and a child's name ("my son Oliver", "our daughter, Amelia", "Oliver (7)", "Amelia, aged 9").
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    text: str

    @property
    def message(self) -> str:
        return f"It seems to contain {self.label}: “{self.text}”."


EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# +44 7700 900123, 07700 900123, (01905) 765432, 0116-254-1234 …
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)")
# ten digits, possibly grouped 3-3-4 with spaces or hyphens
NHS_CANDIDATE = re.compile(r"(?<![\d-])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d-])")

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
        r"|\d{4}-\d{2}-\d{2}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
        rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
BIRTH = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday(?:\s+is)?)\b[\s:,-]*"
    rf"(?:was\s+|is\s+|on\s+|the\s+)*({DATE})", re.IGNORECASE)

_CHILD = (r"(?:son|daughter|child|boy|girl|grandson|granddaughter|grandchild|stepson|"
          r"stepdaughter|foster\s+child|twins?|kid|little\s+one|nephew|niece)")
_NAME = r"([A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
NOT_NAMES = {
    "He", "She", "They", "Is", "Has", "Was", "Who", "And", "But", "The", "This", "That",
    "When", "With", "Had", "Goes", "Went", "Can", "Cannot", "Does", "Did", "Needs",
    "Attends", "Loves", "Uses", "Gets", "Also", "Still", "Now", "Then", "Because", "At",
    "In", "On", "For", "From", "If", "It", "Its", "Not", "Never", "Always", "Age", "Aged",
    "Year", "Years", "School", "Autism", "Autistic", "Down", "Sen", "Send", "Ehcp", "My",
    "Our", "Their", "His", "Her", "We", "You", "Mum", "Dad", "Just", "Only", "Really",
}
CHILD_NAME = [
    # "my son Oliver", "our daughter, Amelia", "my son, called Oliver", "my child is called Sam"
    re.compile(rf"\b(?:[Mm]y|[Oo]ur)\s+(?:\w+\s+)?{_CHILD},?\s+(?:(?:is\s+)?(?:called|named)\s+)?"
               + _NAME),
    # "Oliver (7)", "Oliver, aged 9", "Oliver age 12", "Oliver is 7 years old"
    re.compile(_NAME + r"\s*(?:\(\s*(?:aged?\s*)?\d{1,2}\s*\)|,?\s+aged?\s+\d{1,2}\b"
               r"|\s+is\s+\d{1,2}\s+years?\s+old)"),
]


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus-11 check digit (weights 10 down to 2)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_personal_data(text: str) -> list[Finding]:
    """Everything in `text` that looks like personal data, in the order found."""
    if not text:
        return []
    found: list[tuple[int, Finding]] = []
    for match in EMAIL.finditer(text):
        found.append((match.start(), Finding("email", "an e-mail address", match.group())))
    nhs_spans = []
    for match in NHS_CANDIDATE.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            nhs_spans.append(match.span())
            found.append((match.start(), Finding("nhs-number", "an NHS number", match.group())))
    for match in PHONE.finditer(text):
        if any(s <= match.start() < e for s, e in nhs_spans):
            continue
        found.append((match.start(), Finding("phone", "a phone number", match.group().strip())))
    for match in BIRTH.finditer(text):
        found.append((match.start(), Finding("date-of-birth", "a date of birth", match.group())))
    for pattern in CHILD_NAME:
        for match in pattern.finditer(text):
            if match.group(1) not in NOT_NAMES:
                found.append((match.start(),
                              Finding("child-name", "a child's name", match.group().strip())))
    found.sort(key=lambda pair: pair[0])
    seen, result = set(), []
    for _, finding in found:
        if (finding.kind, finding.text) not in seen:
            seen.add((finding.kind, finding.text))
            result.append(finding)
    return result


def warning_messages(text: str) -> list[str]:
    return [f.message for f in find_personal_data(text)]
