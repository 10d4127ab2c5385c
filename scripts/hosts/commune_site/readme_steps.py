"""The README's steps for an existing Wagtail site, taken from the README itself.

    python readme_steps.py extract README.md OUTDIR    # one file per step, each printed
    python readme_steps.py append STEPFILE SETTINGS.py  # a settings block, at the end
    python readme_steps.py urls STEPFILE urls.py        # the URL statement, before Wagtail's

In the section "Add it to an existing Wagtail site", each block a site applies is marked by
an HTML comment `<!-- host-step: NAME -->` right before a fenced code block (indented under
a list item, so it is dedented). The host is built from those blocks and nothing else: if
the README changes, what CI installs changes with it, and a block that goes missing fails
here instead of being replaced by what this script believes the README meant.

Standard library only: it runs with whichever Python is at hand.
"""

import re
import sys
import textwrap
from pathlib import Path

SECTION = "## Add it to an existing Wagtail site"
# name -> (file written in OUTDIR, languages the fence may declare)
STEPS = {
    "install": ("install.sh", {"sh", "shell", "bash", "console"}),
    "settings/base.py": ("settings-base.py", {"python", "py"}),
    "settings/production.py": ("settings-production.py", {"python", "py"}),
    "urls.py": ("urls.py", {"python", "py"}),
    "commands": ("commands.sh", {"sh", "shell", "bash", "console"}),
}
MARKER = re.compile(r"^[ \t]*<!--\s*host-step:\s*(?P<name>[^ ].*?)\s*-->[ \t]*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w.+-]*)[ \t]*$")
# Wagtail's project template appends its catch-all with this statement (the host keeps it,
# around i18n_patterns); the plugin's URLs go just before it.
WAGTAIL_CATCH_ALL = re.compile(r"^urlpatterns = urlpatterns \+ ")


def fail(message):
    sys.exit(f"readme_steps: {message}")


def section(readme):
    text = Path(readme).read_text()
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        fail(f"{readme} has no section {SECTION!r}")
    end = text.find("\n## ", start + len(SECTION) + 2)
    return text[start + 1:end if end >= 0 else len(text)].splitlines()


def extract(readme, outdir):
    lines = section(readme)
    found = {}
    for number, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker:
            continue
        name = marker["name"]
        if name not in STEPS:
            fail(f"unknown step {name!r} (known: {', '.join(STEPS)})")
        if name in found:
            fail(f"step {name!r} is marked twice")
        following = number + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        fence = FENCE.match(lines[following]) if following < len(lines) else None
        if not fence:
            fail(f"step {name!r}: no fenced code block right after its marker")
        _, languages = STEPS[name]
        if fence["lang"] not in languages:
            fail(f"step {name!r}: its block is {fence['lang'] or 'untyped'}, expected one of {sorted(languages)}")
        body, closing = [], re.compile(r"^[ \t]*" + re.escape(fence["fence"]) + r"[ \t]*$")
        for inner in lines[following + 1:]:
            if closing.match(inner):
                break
            body.append(inner)
        else:
            fail(f"step {name!r}: its code block is never closed")
        code = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
        if not code.strip():
            fail(f"step {name!r}: its code block is empty")
        found[name] = code
    missing = [name for name in STEPS if name not in found]
    if missing:
        fail(f"the README marks no block for {', '.join(missing)} (expected <!-- host-step: NAME --> before each)")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, code in found.items():
        (outdir / STEPS[name][0]).write_text(code)
        if "python" in STEPS[name][1]:
            check_python(code, name)
        print(f"README step {name}:")
        print(textwrap.indent(code, "    | "), end="")


def check_python(code, name):
    try:
        compile(code, name, "exec")
    except SyntaxError as error:
        fail(f"the README's {name} block is not valid Python: {error}")


def append(step_file, target):
    code = Path(step_file).read_text()
    check_python(code, step_file)
    target = Path(target)
    text = target.read_text()
    target.write_text(text.rstrip("\n") + f"\n\n# --- From the README of wagtail-heurecivique ({Path(step_file).name}) ---\n"
                      + code)
    print(f"Appended the README's block to {target}")


def urls(step_file, target):
    code = Path(step_file).read_text()
    check_python(code, step_file)
    target = Path(target)
    lines = target.read_text().splitlines(keepends=True)
    places = [index for index, line in enumerate(lines) if WAGTAIL_CATCH_ALL.match(line)]
    if len(places) != 1:
        fail(f"{target}: expected one statement starting `urlpatterns = urlpatterns + ` (Wagtail's catch-all), "
             f"found {len(places)}")
    place = places[0]
    while place > 0 and lines[place - 1].lstrip().startswith("#"):
        place -= 1  # above the comment that goes with Wagtail's statement
    lines[place:place] = ["# From the README of wagtail-heurecivique: before Wagtail's catch-all.\n", code, "\n"]
    target.write_text("".join(lines))
    print(f"Inserted the README's URL statement in {target}, line {place + 2}")


if __name__ == "__main__":
    commands = {"extract": extract, "append": append, "urls": urls}
    if len(sys.argv) != 4 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
