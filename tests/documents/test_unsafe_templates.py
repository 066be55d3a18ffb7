"""Templates never run code: hostile uploads are refused naming the expression, the renderer refuses
a hostile template that reached the database by another way, and stored versions are re-checked (by
the data migration and whenever the version in force is read)."""

import html
import importlib
from io import BytesIO

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion
from procurement.documents.rendering.docx import render_docx
from procurement.documents.rendering.errors import RenderError
from procurement.documents.selectors import active_template
from procurement.documents.services import shipped_template_path
from procurement.tenders.models import DceGeneration
from tests.documents.utils import docx_text, framework_tender

UPLOAD = reverse("documents:upload")
VARIABLES = reverse("documents:variables")
# ``{marker}`` becomes a path under the test's tmp_path: a payload that ran would create that file.
RUN = "popen('touch {marker}').read()"

# (template text, a piece of the expression the French refusal must name). Every kind of escape the
# classic server-side template injection write-ups use, and resource abuse.
HOSTILE = [
    ('{{ lipsum.__globals__["os"].popen("touch {marker}").read() }}', "lipsum.__globals__"),
    ("{{ lipsum.__globals__.os." + RUN + " }}", "lipsum.__globals__"),
    ("{{ lipsum }}", "« lipsum »"),
    ("{{ lipsum(1000000, html=False) }}", "lipsum(1000000, html=False)"),
    ("{{ cycler.__init__.__globals__.os." + RUN + " }}", "cycler.__init__"),
    ("{{ cycler }}", "« cycler »"),
    ("{{ joiner.__init__.__globals__.os." + RUN + " }}", "joiner.__init__"),
    ("{{ namespace.__init__.__globals__.os." + RUN + " }}", "namespace.__init__"),
    ("{{ namespace }}", "« namespace »"),
    ("{{ self }}", "« self »"),
    ("{{ self._TemplateReference__context.cycler.__init__.__globals__.os." + RUN + " }}", "self"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "''.__class__"),
    ("{{ ''.__class__.__mro__ }}", "''.__class__"),
    ("{{ config }}", "« config »"),
    ("{{ config.__class__.__init__.__globals__['os']." + RUN + " }}", "config.__class__"),
    ("{{ config.items() }}", "config.items()"),
    ("{{ request }}", "« request »"),
    ("{{ request.application.__globals__.__builtins__.__import__('os')." + RUN + " }}",
     "request.application.__globals__"),
    ("{{ range(10**9)|list }}", "10 ** 9"),
    ("{{ range(1000000000)|list }}", "range(1000000000)"),
    ("{{ 'x' * 999999999 }}", "'x' * 999999999"),
    ("{{ '%999999999d'|format(1) }}", "« format »"),
    ("{{ tender.reference|center(999999999) }}", "« center »"),
    ("{% for a in lots %}{% for b in lots %}{% for c in lots %}{% for d in lots %}{{ d.title }}"
     "{% endfor %}{% endfor %}{% endfor %}{% endfor %}", "3 niveaux de boucles au plus"),
    ("{% for a in tender.object %}{% for b in tender.object %}{% for c in tender.object %}{{ c }}"
     "{% endfor %}{% endfor %}{% endfor %}", "« for … in tender.object » ne parcourt pas une liste"),
    ("{{ tender|attr('__class__') }}", "tender|attr('__class__')"),
    ("{{ (tender|attr('__class__')|attr('__init__'))|attr('__globals__') }}", "tender|attr('__class__')"),
    ("{{ tender['__globals__'] }}", "tender['__globals__']"),
    ("{{ tender.reference['__class__'] }}", "tender.reference['__class__']"),
    ("{{ tender._meta }}", "tender._meta"),
    ("{{ lots|map(attribute='__class__')|list }}", "« map »"),
    ("{{ lots|join(', ', '__class__') }}", "lots|join(', ', '__class__')"),
    ("{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c.__init__.__globals__ }}{% endfor %}",
     "''.__class__"),
    ("{% for lot in lots %}{{ loop.cycle('a', 'b') }}{% endfor %}", "loop.cycle"),
    ("{% set x = tender.reference %}{{ x }}", "{% set %}"),
    ("{% macro m() %}{{ caller() }}{% endmacro %}", "{% macro %}"),
    ("{% include 'secrets.html' %}", "{% include %}"),
    ("{% import 'os' as os %}", "{% import %}"),
    ("{% autoescape false %}{{ tender.object }}{% endautoescape %}", "{% autoescape %}"),
    ("{{ tender.object|safe }}", "« safe »"),
]
# The same injection hidden where the former check did not look: a header and the document's title
# (docxtpl renders the document properties as templates too).
ELSEWHERE = ["header", "title"]


def docx_with(text: str, where: str = "body") -> bytes:
    document = Document()
    document.add_paragraph("Règlement de la consultation {{ tender.reference }}")
    if where == "body":
        document.add_paragraph(text)
    elif where == "header":
        document.sections[0].header.paragraphs[0].text = text
    else:
        document.core_properties.title = text
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "ran"


def hostile(text: str, marker) -> str:
    return text.replace("{marker}", str(marker))


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "named"), HOSTILE, ids=[f"p{index:02d}" for index in range(len(HOSTILE))])
def test_a_hostile_upload_is_refused_naming_the_expression_and_runs_nothing(client_for, staff_user, marker,
                                                                            text, named):
    file = SimpleUploadedFile("rc-v2.docx", docx_with(hostile(text, marker)))
    response = client_for(staff_user).post(UPLOAD, {"kind": TemplateKind.RC, "file": file})
    assert response.status_code == 200
    shown = page(response)
    assert "« Modèle » : le fichier « rc-v2.docx » est refusé : " in shown
    assert named in shown
    assert "La version en vigueur reste inchangée." in shown
    assert not marker.exists()
    assert list(TemplateVersion.objects.filter(kind=TemplateKind.RC).values_list("version", "active")) == [(1, True)]


@pytest.mark.django_db
@pytest.mark.parametrize("where", ELSEWHERE)
def test_an_injection_in_a_header_or_the_document_title_is_refused_too(client_for, staff_user, marker, where):
    text = hostile("{{ cycler.__init__.__globals__.os." + RUN + " }}", marker)
    file = SimpleUploadedFile("rc-v2.docx", docx_with(text, where))
    response = client_for(staff_user).post(UPLOAD, {"kind": TemplateKind.RC, "file": file})
    assert response.status_code == 200
    assert "« cycler.__init__ » lit « __init__ », un attribut interne interdit" in page(response)
    assert not marker.exists()
    assert TemplateVersion.objects.get(kind=TemplateKind.RC, active=True).version == 1


@pytest.mark.django_db
def test_the_refusal_of_a_command_names_the_whole_expression_in_french(client_for, staff_user):
    # A command of fixed length: the message shortens expressions past 120 characters (tmp paths vary).
    text = '{{ lipsum.__globals__["os"].popen("id > ran").read() }}'
    response = client_for(staff_user).post(UPLOAD, {"kind": TemplateKind.RC,
                                                    "file": SimpleUploadedFile("rc.docx", docx_with(text))})
    assert ("« lipsum.__globals__ » lit « __globals__ », un attribut interne interdit dans un modèle "
            "(dans « lipsum.__globals__['os'].popen('id > ran').read() »).") in page(response)


@pytest.mark.django_db
def test_formatting_filters_tests_and_loop_counters_are_still_accepted(client_for, staff_user):
    text = ("{{ tender.reference|upper }} — {{ tender.object|truncate(40) }} "
            "{% for lot in lots %}{{ loop.index }}. {{ lot.title|title }}{% if not loop.last %}, {% endif %}"
            "{% endfor %} {% if tender.lot_count is number and tender.lot_count > 1 %}plusieurs lots{% endif %} "
            "{{ lots|length }} {{ tender.buyer_name|default('—') }} {{ tender.place ~ ' (France)' }}")
    file = SimpleUploadedFile("rc-v2.docx", docx_with(text))
    response = client_for(staff_user).post(UPLOAD, {"kind": TemplateKind.RC, "file": file}, follow=True)
    assert "est maintenant en vigueur" in page(response)
    version = TemplateVersion.objects.get(kind=TemplateKind.RC, active=True)
    assert version.version == 2
    assert version.variables == ["lots", "tender"]
    data = render_docx(version.data, catalog.example_context(TemplateKind.RC))
    assert "BNM-2024-02 — Ressources numériques en ligne pour... 1. Livres Numériques Et Livres Audio " \
           "plusieurs lots 1 Claire Morel 37100 (code postal) (France)" in docx_text(data)


# The renderer alone ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "named"), HOSTILE, ids=[f"p{index:02d}" for index in range(len(HOSTILE))])
def test_the_renderer_refuses_a_hostile_template_that_bypassed_the_upload_and_runs_nothing(marker, text, named):
    with pytest.raises(RenderError) as refused:
        render_docx(docx_with(hostile(text, marker)), catalog.example_context(TemplateKind.RC))
    assert named.strip("«» ") in str(refused.value)
    assert not marker.exists()


@pytest.mark.parametrize("where", ELSEWHERE)
def test_the_renderer_checks_headers_and_document_properties(marker, where):
    text = hostile("{{ lipsum.__globals__.os." + RUN + " }}", marker)
    with pytest.raises(RenderError, match="lipsum"):
        render_docx(docx_with(text, where), catalog.example_context(TemplateKind.RC))
    assert not marker.exists()


def test_the_renderer_stops_loops_that_would_run_over_a_hundred_thousand_items():
    three_deep = docx_with("{% for a in lots %}{% for b in lots %}{% for c in lots %}{{ c.number }}{% endfor %}"
                           "{% endfor %}{% endfor %}")
    context = {"tender": {"reference": "BNM-2024-02"}, "lots": [{"number": 7}] * 46}
    # 46 + 46² + 46³ = 99,498 items: still rendered.
    assert docx_text(render_docx(three_deep, context)).count("7") == 46 ** 3
    context["lots"] = [{"number": 7}] * 47  # 47 + 47² + 47³ = 106,079
    with pytest.raises(RenderError, match="parcourent plus de 100\u202f000 éléments"):
        render_docx(three_deep, context)


def test_the_renderer_reads_only_the_context_it_is_given():
    with pytest.raises(RenderError, match=r"« tender » .*qui n'est pas fournie"):
        render_docx(docx_with("{{ authority.name }}"), {"authority": {"name": "Métropole de Rivemont"}})


# Stored versions --------------------------------------------------------------------------------

def store(kind: str, content: bytes, *, active: bool) -> TemplateVersion:
    """A version written straight into the database, as one stored before the check existed."""
    if active:
        TemplateVersion.objects.filter(kind=kind, active=True).update(active=False)
    last = TemplateVersion.objects.filter(kind=kind).order_by("-version").first()
    return TemplateVersion.objects.create(kind=kind, version=last.version + 1, content=content,
                                          original_name="piege.docx", sha256="0" * 64, active=active)


def recheck_migration():
    return importlib.import_module("procurement.documents.migrations.0004_withdraw_unsafe_templates").recheck


@pytest.mark.django_db
def test_the_migration_withdraws_a_hostile_stored_version_and_puts_the_shipped_one_back(marker):
    bad = store(TemplateKind.RC, docx_with(hostile("{{ joiner.__init__.__globals__.os." + RUN + " }}", marker)),
                active=True)
    unused = store(TemplateKind.CCTP, docx_with("{{ tender|attr('__class__') }}"), active=False)
    recheck_migration()(apps, None)
    bad.refresh_from_db()
    unused.refresh_from_db()
    assert not bad.active
    assert bad.withdrawn_reason.startswith("« joiner.__init__ » lit « __init__ », un attribut interne interdit")
    assert bad.withdrawn_at is not None
    assert "le filtre « attr » (« tender|attr('__class__') »)" in unused.withdrawn_reason
    in_force = TemplateVersion.objects.get(kind=TemplateKind.RC, active=True)
    assert (in_force.version, in_force.data) == (1, shipped_template_path(TemplateKind.RC).read_bytes())
    # The shipped templates pass the check: none of them is withdrawn.
    assert set(TemplateVersion.objects.exclude(withdrawn_reason="").values_list("pk", flat=True)) == {bad.pk,
                                                                                                      unused.pk}
    assert not marker.exists()


@pytest.mark.django_db
def test_without_a_stored_copy_of_the_shipped_template_the_migration_stores_it_as_a_new_version():
    TemplateVersion.objects.filter(kind=TemplateKind.AWARD_LETTER, version=1).update(content=docx_with("{{ lipsum }}"))
    recheck_migration()(apps, None)
    in_force = TemplateVersion.objects.get(kind=TemplateKind.AWARD_LETTER, active=True)
    assert in_force.version == 2
    assert in_force.data == shipped_template_path(TemplateKind.AWARD_LETTER).read_bytes()
    assert in_force.note == "Modèle livré avec l'application. En vigueur à la place de la version 1, retirée."
    assert "« lipsum »" in TemplateVersion.objects.get(kind=TemplateKind.AWARD_LETTER, version=1).withdrawn_reason


@pytest.mark.django_db
def test_a_hostile_version_found_in_force_at_use_is_withdrawn_and_shown_in_the_admin(client_for, staff_user,
                                                                                      marker):
    bad = store(TemplateKind.AE, docx_with(hostile("{{ ''.__class__.__mro__[1].__subclasses__() }}", marker)),
                active=True)
    assert active_template(TemplateKind.AE).version == 1
    bad.refresh_from_db()
    assert (bad.active, bad.withdrawn_reason[:60]) == (False, "« ''.__class__ » lit « __class__ », un attribut interne "
                                                              "inte")
    changelist = page(client_for(staff_user).get(reverse("admin:documents_templateversion_changelist")))
    assert "Retirée le " in changelist
    assert "« ''.__class__ » lit « __class__ », un attribut interne interdit dans un modèle" in changelist


@pytest.mark.django_db
def test_a_dce_generated_while_a_hostile_version_is_in_force_uses_the_shipped_template_and_runs_nothing(
        client_for, buyer, marker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = store(TemplateKind.RC, docx_with(hostile('{{ lipsum.__globals__["os"].popen("touch {marker}").read() }}',
                                                   marker)), active=True)
    tender = framework_tender(lots=1, dce=False)
    response = client_for(buyer).post(reverse("tenders:dce-generate", args=[tender.reference]), follow=True)
    assert "Le DCE version 1 est généré" in page(response)
    assert not marker.exists()
    bad.refresh_from_db()
    assert not bad.active and "lipsum.__globals__" in bad.withdrawn_reason
    rc = DceGeneration.objects.get(tender=tender).files.get(kind=TemplateKind.RC)
    with rc.file.open("rb") as handle:
        assert "Règlement de la consultation" in docx_text(handle.read())


@pytest.mark.django_db
def test_a_withdrawn_version_cannot_be_put_back_in_force_from_the_page(client_for, staff_user):
    bad = store(TemplateKind.CCTP, docx_with("{{ tender.__class__ }}"), active=False)
    response = client_for(staff_user).post(reverse("documents:activate", args=[TemplateKind.CCTP, bad.version]),
                                           follow=True)
    assert f"« {bad} » ne peut pas être remise en vigueur : « tender.__class__ » lit « __class__ »" in page(response)
    assert TemplateVersion.objects.get(kind=TemplateKind.CCTP, active=True).version == 1


@pytest.mark.django_db
def test_the_templates_page_lists_the_allowed_filters_and_marks_a_withdrawn_version(client_for, staff_user):
    bad = store(TemplateKind.CCTP, docx_with("{{ tender.__class__ }}"), active=True)
    with freeze_time("2026-03-02 10:00:00+01:00"):
        active_template(TemplateKind.CCTP)
    shown = page(client_for(staff_user).get(VARIABLES))
    assert ("Filtres de mise en forme possibles : abs, capitalize, count, d, default, e, escape, first, float, int, "
            "join, last, length, lower, round, string, striptags, title, trim, truncate, upper, wordcount.") in shown
    assert "Retirée le 02/03/2026 : « tender.__class__ » lit « __class__ », un attribut interne interdit" in shown
    assert reverse("documents:activate", args=[TemplateKind.CCTP, bad.version]) not in shown
    assert reverse("documents:activate", args=[TemplateKind.CCTP, 1]) not in shown  # in force again
