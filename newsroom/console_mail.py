"""
Mail printed on the console, as a person reads it: the development mail backend
(EMAIL_URL unset, or console://), whose output `make run` shows beside the site.

Django's own console backend prints a message as it goes on the wire. A text with
a line longer than 76 characters goes quoted-printable: a sign-up confirmation
link is cut in two with a "=" at the end of the first line, and an "é" reads
"=C3=A9", so a link copied from the console leads nowhere. This one prints what a
mail program shows: the headers as text, each plain-text part as its text, and
the other parts (the HTML version, attachments) by their type and size.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

# Headers that say how the message is encoded for the wire, which is undone here.
WIRE_HEADERS = ("content-type", "content-transfer-encoding", "mime-version")


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message) -> None:
        mail = message.message()
        lines = [
            f"{name}: {value}"
            for name, value in mail.items()
            if name.lower() not in WIRE_HEADERS
        ]
        for part in mail.walk():
            if part.is_multipart():
                continue
            kind = part.get_content_type()
            if kind == "text/plain" and not part.get_filename():
                lines += ["", part.get_content().rstrip("\n")]
            else:
                size = len(part.get_payload(decode=True) or b"")
                name = f" {part.get_filename()}" if part.get_filename() else ""
                lines += ["", f"[{kind}{name}, {size:,} bytes]"]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
