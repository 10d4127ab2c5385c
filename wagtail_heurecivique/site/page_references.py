"""The images, documents and pages a page's content refers to, against what its editor may choose.

A StreamField or a rich text keeps them by id. Wagtail's choosers offer an editor the
images and documents of their collections and the pages of their communes only, but a
POST may name any id: the page form asks here which ones the user may not use — one query
per kind, whatever the number of blocks — and takes them out of what it shows again, so
that the refusal does not display another commune's image or page title.
"""

import json
from collections import namedtuple

from django.db.models import ForeignKey
from wagtail import blocks
from wagtail.fields import StreamField

from wagtail_heurecivique.core.validators import is_pk
from wagtail_heurecivique.site.media_scoping import usable
from wagtail_heurecivique.site.page_scoping import exclude_other_communes

IMAGE, DOCUMENT, PAGE = "image", "document", "page"

#: ``field``: the form field's name; ``block``: the position of the StreamField's top-level block holding it.
Reference = namedtuple("Reference", "field kind pk block")

#: The rich text entities (Draftail's contentstate) that refer to a record by ``data.id``.
ENTITY_KINDS = {"LINK": PAGE, "DOCUMENT": DOCUMENT, "IMAGE": IMAGE}


def kind_of(model):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import AbstractPage

    if model is None:
        return None
    if issubclass(model, get_image_model()):
        return IMAGE
    if issubclass(model, get_document_model()):
        return DOCUMENT
    if issubclass(model, AbstractPage):
        return PAGE
    return None


def references(name, model_field, value):
    """The references of ``value``, a value of ``model_field`` (a StreamField, a rich text, a foreign key)."""
    if value is None or value == "":
        return
    if isinstance(model_field, ForeignKey):
        kind = kind_of(model_field.related_model)
        if kind:
            yield Reference(name, kind, str(getattr(value, "pk", value)), None)
        return
    if isinstance(model_field, StreamField):
        # Block by block: a block's position is where the form shows its errors (its id may be missing).
        for position, child in enumerate(value):
            for model, pk, _model_path, _content_path in child.block.extract_references(child.value):
                if kind_of(model):
                    yield Reference(name, kind_of(model), str(pk), position)
    elif hasattr(model_field, "extract_references"):
        for model, pk, _model_path, _content_path in model_field.extract_references(value):
            if kind_of(model):
                yield Reference(name, kind_of(model), str(pk), None)


def usable_ids(kind, ids, user):
    """Those of ``ids`` the user may use: one query (two for pages: the depths of the homes)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    ids = [pk for pk in ids if is_pk(pk)]  # a forged rich text may hold anything as an id
    if not ids:
        return set()
    if kind == IMAGE:
        found = usable(get_image_model(), user)
    elif kind == DOCUMENT:
        found = usable(get_document_model(), user)
    else:  # what the page chooser offers (``construct_page_chooser_queryset``)
        found = exclude_other_communes(Page.objects.all(), user)
    return {str(pk) for pk in found.filter(pk__in=ids).values_list("pk", flat=True)}


def refused(found, user):
    """Those of the references ``found`` that ``user`` may not use."""
    allowed = {}
    for kind in {ref.kind for ref in found}:
        allowed[kind] = usable_ids(kind, {ref.pk for ref in found if ref.kind == kind}, user)
    return [ref for ref in found if ref.pk not in allowed[ref.kind]]


# --- Out of what the form shows again ---------------------------------------------------------


def scrub(data, prefix, block, refused_ids):
    """Empties in ``data`` (a mutable copy of the POST) the choices and links of ``refused_ids``.

    ``block`` is the StreamField's stream block (or None for a rich text or a foreign key
    field at ``prefix``); ``refused_ids``: ``{kind: {id, …}}``. The keys are those Wagtail's
    blocks read in ``value_from_datadict``.
    """
    for key, leaf in _leaves(data, prefix, block):
        if isinstance(leaf, blocks.ChooserBlock):
            if data.get(key, "") in refused_ids.get(kind_of(leaf.target_model), ()):
                data[key] = ""
        elif isinstance(leaf, blocks.RichTextBlock) or leaf is None:
            data[key] = _unlinked(data.get(key, ""), refused_ids)


def scrub_choice(data, key, kind, refused_ids):
    """Empties a foreign key's choice of a refused id."""
    if data.get(key, "") in refused_ids.get(kind, ()):
        data[key] = ""


def _leaves(data, prefix, block):
    if block is None or isinstance(block, (blocks.ChooserBlock, blocks.RichTextBlock)):
        yield prefix, block
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _leaves(data, f"{prefix}-{name}", child)
    elif isinstance(block, (blocks.StreamBlock, blocks.ListBlock)):
        try:
            count = int(data.get(f"{prefix}-count", 0))
        except (TypeError, ValueError):
            return
        for index in range(count):
            if isinstance(block, blocks.StreamBlock):
                child = block.child_blocks.get(data.get(f"{prefix}-{index}-type"))
            else:
                child = block.child_block
            if child is not None:
                yield from _leaves(data, f"{prefix}-{index}-value", child)


def _unlinked(text, refused_ids):
    """A Draftail rich text without the entities (links) to refused records; anything else as is."""
    try:
        content = json.loads(text)
        entities = content["entityMap"]
        refused_keys = {
            key for key, entity in entities.items()
            if str((entity.get("data") or {}).get("id")) in refused_ids.get(ENTITY_KINDS.get(entity.get("type")), ())
        }
    except (TypeError, ValueError, KeyError, AttributeError):
        return text
    if not refused_keys:
        return text
    for key in refused_keys:
        del entities[key]
    kept = []
    for paragraph in content.get("blocks", ()):
        ranges = paragraph.get("entityRanges", ())
        paragraph["entityRanges"] = [r for r in ranges if str(r.get("key")) not in refused_keys]
        if paragraph.get("type") == "atomic" and ranges and not paragraph["entityRanges"]:
            continue  # an embedded image, nothing else: the whole block goes
        kept.append(paragraph)
    content["blocks"] = kept
    return json.dumps(content)
