"""The default catalogue of the programme: the categories of help and the skills volunteers offer.

Loaded by ``manage.py heurecivique_setup`` so that the public forms work after install.
The names and descriptions are French content, not interface strings: editors change them
in the back office like any record, and a second run never writes over their changes.
"""

from django.db import transaction
from django.utils.translation import gettext

from wagtail_heurecivique.core.enums import ActionKind
from wagtail_heurecivique.core.models.catalogue import Category, Skill

#: Each category, keyed by its slug (its identity: names may be edited), with its skills.
CATALOGUE = [
    {
        "slug": "courses-et-livraisons",
        "name": "Courses et livraisons",
        "action_kind": ActionKind.INTERPERSONAL,
        "description": (
            "Faire les courses d’une personne qui ne peut pas se déplacer, lui apporter un repas "
            "ou un colis."
        ),
        "skills": {"courses": "Courses", "portage-de-repas": "Portage de repas"},
    },
    {
        "slug": "visites-de-convivialite",
        "name": "Visites de convivialité",
        "action_kind": ActionKind.INTERPERSONAL,
        "description": (
            "Rendre visite ou téléphoner régulièrement à une personne isolée, pour discuter, lire "
            "ou jouer ensemble."
        ),
        "skills": {
            "ecoute": "Écoute",
            "lecture-a-voix-haute": "Lecture à voix haute",
            "jeux-de-societe": "Jeux de société",
            "appels-de-convivialite": "Appels de convivialité",
        },
    },
    {
        "slug": "aide-numerique",
        "name": "Aide numérique",
        "action_kind": ActionKind.INTERPERSONAL,
        "description": (
            "Aider à se servir d’un ordinateur, d’une tablette ou d’un smartphone, et à faire ses "
            "démarches en ligne."
        ),
        "skills": {"informatique": "Informatique", "demarches-en-ligne": "Démarches en ligne", "smartphone": "Smartphone"},
    },
    {
        "slug": "accompagnement-et-transport",
        "name": "Accompagnement et transport",
        "action_kind": ActionKind.INTERPERSONAL,
        "description": (
            "Accompagner une personne à un rendez-vous, à la pharmacie ou au marché, à pied ou "
            "en voiture."
        ),
        "skills": {"conduite": "Conduite", "accompagnement-a-pied": "Accompagnement à pied"},
    },
    {
        "slug": "jardinage-et-bricolage",
        "name": "Jardinage et bricolage",
        "action_kind": ActionKind.INTERPERSONAL,
        "description": (
            "Petits travaux chez une personne qui ne peut plus les faire : tondre, tailler une haie, "
            "changer une ampoule, fixer une étagère. Ni chantier ni travail d’artisan."
        ),
        "skills": {"jardinage": "Jardinage", "petit-bricolage": "Petit bricolage"},
    },
    {
        "slug": "environnement-et-proprete",
        "name": "Environnement et propreté",
        "action_kind": ActionKind.COLLECTIVE,
        "description": (
            "Des actions collectives pour une commune plus propre et plus verte : ramassage de "
            "déchets, plantations, nettoyage des berges."
        ),
        "skills": {"ramassage-de-dechets": "Ramassage de déchets", "plantations": "Plantations"},
    },
    {
        "slug": "evenements-de-la-commune",
        "name": "Événements de la commune",
        "action_kind": ActionKind.COLLECTIVE,
        "description": (
            "Donner un coup de main aux fêtes, cérémonies et manifestations organisées par la "
            "mairie : accueil, installation, photos."
        ),
        "skills": {
            "accueil-du-public": "Accueil du public",
            "installation-de-salle": "Installation de salle",
            "photographie": "Photographie",
        },
    },
    {
        "slug": "soutien-aux-associations",
        "name": "Soutien aux associations",
        "action_kind": ActionKind.ASSOCIATIVE,
        "description": (
            "Aider une association de la commune : collecte alimentaire, buvette, comptabilité, "
            "communication."
        ),
        "skills": {"comptabilite": "Comptabilité", "communication": "Communication", "cuisine": "Cuisine"},
    },
    {
        "slug": "rencontres-conviviales",
        "name": "Rencontres conviviales",
        "action_kind": ActionKind.CONVIVIAL,
        "description": (
            "Des moments partagés entre habitants : café des voisins, goûter à la résidence seniors, "
            "repas de quartier."
        ),
        "skills": {"animation": "Animation", "patisserie": "Pâtisserie"},
    },
]


def _existing(model, slug, name):
    """The record this entry stands for: by slug, else one already holding its name (unique)."""
    return model.objects.filter(slug=slug).first() or model.objects.filter(name__iexact=name).first()


def _create(obj, user):
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = gettext("Default catalogue of L'Heure Civique")
    obj.save()
    return obj


@transaction.atomic
def load_default_catalogue(user=None):
    """Create the categories and skills of ``CATALOGUE`` that are missing; change nothing else.

    Return ``(created, kept)``: the records written by this run and those already there,
    each in catalogue order.
    """
    created, kept = [], []
    for entry in CATALOGUE:
        category = _existing(Category, entry["slug"], entry["name"])
        if category is None:
            category = _create(
                Category(
                    slug=entry["slug"], name=entry["name"], action_kind=entry["action_kind"],
                    description=entry["description"],
                ),
                user,
            )
            created.append(category)
        else:
            kept.append(category)
        for slug, name in entry["skills"].items():
            skill = _existing(Skill, slug, name)
            if skill is None:
                created.append(_create(Skill(slug=slug, name=name, category=category), user))
            else:
                kept.append(skill)
    return created, kept
