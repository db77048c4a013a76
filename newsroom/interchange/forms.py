"""The admin's import form: which file, and whether it is one we can read."""

import xml.etree.ElementTree as ET  # noqa: S405 - only for ParseError

import defusedxml
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from newsroom.interchange.xmlfile import megabytes, root_element

# What each export's root element says it is.
FORMATS = {"rss": "wordpress", "disqus": "disqus"}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "A WordPress or a Disqus export (where to find each: above), .xml or "
            ".xml.gz."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.gz,.wxr"}),
    )
    with_pingbacks = forms.BooleanField(
        label=_("Import pingbacks and trackbacks as comments"),
        required=False,
    )

    file_format: str

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s; the largest this page takes is "
                    "%(limit)s. Import it with manage.py import_wordpress instead "
                    "(see “Moving from WordPress or Disqus” in the documentation)."
                )
                % {"size": megabytes(upload.size or 0), "limit": megabytes(limit)}
            )
        try:
            root = root_element(upload)  # type: ignore[arg-type]
        except defusedxml.DefusedXmlException:
            raise forms.ValidationError(
                _("Refused: the file declares entities, which an export never does.")
            ) from None
        except (ET.ParseError, EOFError, OSError):
            raise forms.ValidationError(
                _("This file is not an export: it is not XML, or it is cut short.")
            ) from None
        if root not in FORMATS:
            raise forms.ValidationError(
                _("This XML file (<%(root)s>) is not a WordPress or Disqus export.")
                % {"root": root}
            )
        self.file_format = FORMATS[root]
        return upload
