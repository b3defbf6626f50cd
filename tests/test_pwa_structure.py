"""The front end's shape, checked without a browser: one acyclic module graph, screens that import
nothing of the app's state, one API client, one DOM helper."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.factories import make_family
from tests.fixtures.api import sign_in

ROOT = Path(__file__).resolve().parents[1]
PWA = ROOT / "pwa"
# Static imports and re-exports (over several lines too), side-effect imports, dynamic import().
IMPORT = re.compile(
    r"""(?:\b(?:import|export)\b[^'";]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]""", re.DOTALL
)
SCREEN_MAY_IMPORT = {"js/dom.js", "js/ui.js", "js/format.js", "js/pairing-link.js", "js/scan.js"}


def modules() -> list[Path]:
    return sorted(PWA.rglob("*.js"))


def imports_of(module: Path) -> list[str]:
    source = re.sub(r"^\s*//.*$", "", module.read_text(encoding="utf-8"), flags=re.MULTILINE)  # not commented-out code
    return IMPORT.findall(source)


def resolve(module: Path, specifier: str) -> Path | None:
    """The file a specifier names inside pwa/, or None for /vendor/ packages (node_modules)."""
    if specifier.startswith("/vendor/"):
        return None
    base = PWA if specifier.startswith("/") else module.parent
    return (base / specifier.lstrip("/")).resolve()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in modules():
        name = module.relative_to(PWA).as_posix()
        graph[name] = set()
        for specifier in imports_of(module):
            target = resolve(module, specifier)
            if target is not None:
                graph[name].add(target.relative_to(PWA).as_posix())
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (as a path a → … → a), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"app.js": {"router.js"}, "router.js": {"screens/x.js"}, "screens/x.js": {"app.js"}}) == [
        "app.js",
        "router.js",
        "screens/x.js",
        "app.js",
    ]


def test_every_import_names_an_existing_file():
    missing = [
        f"{module.relative_to(PWA)} → {specifier}"
        for module in modules()
        for specifier in imports_of(module)
        if (target := resolve(module, specifier)) is not None and not target.is_file()
    ]
    assert missing == []


def test_the_module_graph_of_the_app_and_the_espace_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 30 and graph["js/app.js"]  # the graph was really read
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph))


def test_screens_receive_what_they_need_instead_of_importing_the_app():
    graph = import_graph()
    screens = {name for name in graph if name.startswith("js/screens/")}
    assert len(screens) >= 9
    wrong = {
        screen: sorted(target for target in graph[screen] if target not in SCREEN_MAY_IMPORT | screens)
        for screen in screens
    }
    assert {screen: targets for screen, targets in wrong.items() if targets} == {}


def files_containing(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return sorted(m.relative_to(PWA).as_posix() for m in modules() if regex.search(m.read_text(encoding="utf-8")))


def test_one_api_client_reads_the_error_shape_and_holds_the_csrf_token():
    assert files_containing(r"\?\.error\?\.|\.error\.message|\.error\.code") == ["js/api-client.js"]
    assert files_containing(r"X-CSRF-Token") == ["js/api-client.js"]
    assert files_containing(r"\bfetch\(") == ["js/api-client.js", "js/dpop.js", "service-worker.js"]


def test_one_dom_helper():
    # A function taking a tag name and building an element is a DOM helper: there is one, and it is the
    # only code that creates elements (no hand-built createElement chains beside it).
    assert files_containing(r"(?:function\s*\w*|=)\s*\(\s*tag\b") == ["js/dom.js"]
    assert files_containing(r"\bcreateElement(?:NS)?\s*\(") == ["js/dom.js"]


def test_a_lost_session_and_a_lost_answer_are_handled_by_the_api_client():
    # "401 → sign in" is api-client.js's onSessionEnded hook, set once by the espace (espace.js toSignIn)
    # and by a shared computer's tab; the phone's own 401s (its tokens, its proofs) stay in device.js and dpop.js.
    assert files_containing(r"\bstatus\s*[!=]==?\s*401\b") == ["js/api-client.js", "js/device.js", "js/dpop.js"]
    assert files_containing(r"location[.\w]*\s*[=(]\s*['\"`]/espace/index\.html") == []  # pages call toSignIn()
    # "Nothing answered: send again once" is request()'s `retry`; besides ApiError's `offline`, status 0 is
    # only worded (the freshness line, an empty screen).
    assert files_containing(r"\bstatus\s*[!=]==?\s*0\b") == ["js/api-client.js", "js/freshness.js", "js/router.js"]


# Date code: formats, a local clock's day or time, ISO slicing, a day pinned to a time of day.
DATE_CODE = (
    r"Intl\.DateTimeFormat|toLocale(?:Date|Time)String|new Date\([^()]*\)\.toLocaleString"
    r"|\.get(?:FullYear|Month|Date|Day|Hours|Minutes)\(\)|toISOString\(\)\.slice|T\d\d:\d\d:\d\dZ?[`'\"]"
)


def test_downloads_badges_and_dates_have_one_helper_each():
    assert re.search(DATE_CODE, "new Date(`${value}T12:00:00`).toLocaleDateString('fr-FR')")
    assert re.search(DATE_CODE, "`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`")
    assert not re.search(DATE_CODE, "(cents / 100).toLocaleString('fr-FR')")  # money is not a date
    assert files_containing(DATE_CODE) == ["js/format.js"]
    assert files_containing(r"createObjectURL") == ["js/ui.js"]  # saveBlob
    badges = files_containing(r"function\s+badge\b|\bbadge\s*=\s*\(")
    assert [name for name in badges if name.startswith("espace/")] == ["espace/widgets.js"]


def test_what_the_shell_leaves_online_only_the_worker_never_caches():
    """api/pwa_shell.py keeps the espace and /desktop/ out of the precached shell; the worker must not
    serve them from, nor put them in, its cache either (a shared computer's modules, the espace's pages)."""
    from api.pwa_shell import ONLINE_ONLY

    worker = (PWA / "service-worker.js").read_text(encoding="utf-8")
    listed = re.search(r"^const ONLINE_ONLY = (\[.*?\]);$", worker, flags=re.MULTILINE)
    assert listed, "service-worker.js lists its network-only prefixes in `const ONLINE_ONLY = [...]`"
    prefixes = json.loads(listed.group(1).replace("'", '"'))
    assert {"/api/", *(f"/{folder}" for folder in ONLINE_ONLY)} <= set(prefixes)


def test_references_to_architecture_md_name_sections_it_has():
    architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^\*\*([^*]+?)\.?\*\*|^#+ (.+)$", architecture, flags=re.MULTILINE))
    sections = {name.strip() for pair in sections for name in pair if name}
    cited = {
        (path.relative_to(ROOT).as_posix(), name)
        for path in [*modules(), *ROOT.joinpath("api").glob("*.py")]
        for name in re.findall(
            r"ARCHITECTURE\.md[,:]?\s*(?:section\s*)?[\"“«]\s*([^\"”»]+?)\s*[\"”»]", path.read_text(encoding="utf-8")
        )
    }
    assert "Front end" in sections and "Tests" in sections  # the sections were really read
    assert {(path, name) for path, name in cited if name not in sections} == set()


async def test_the_worker_is_served_with_the_shell_list_and_a_version_of_its_content(client):
    from api.pwa_shell import shell_files, shell_version

    response = await client.get("/service-worker.js")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")
    files = shell_files()
    assert f'const VERSION = "{shell_version(files)}";' in response.text
    assert "const SHELL = " + json.dumps(list(files)) + ";" in response.text
    # The shell is the app: its screens, the vendor module it imports, not the desktop espace.
    assert {"/index.html", "/js/app.js", "/js/screens/homework.js", "/vendor/idb/index.js"} <= set(files)
    assert not [url for url in files if url.startswith("/espace/") or url == "/service-worker.js"]
    assert all(path.is_file() for path in files.values())


def test_any_change_to_a_shell_file_makes_a_new_worker(tmp_path):
    from api.pwa_shell import shell_files, worker_source

    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    first = worker_source(copy)
    css = copy / "css" / "app.css"
    css.write_text(css.read_text() + "\n/* a fix */\n")
    second = worker_source(copy)
    (copy / "js" / "screens" / "new-screen.js").write_text("export function render() {}\n")
    third = worker_source(copy)
    (copy / "espace" / "espace.css").write_text("/* the espace is not in the shell */\n")
    version = re.compile(r'^const VERSION = "(\w+)";$', re.MULTILINE)
    versions = [version.search(source).group(1) for source in (first, second, third, worker_source(copy))]
    assert len(set(versions[:3])) == 3 and versions[3] == versions[2]
    assert "/js/screens/new-screen.js" in shell_files(copy) and '"/js/screens/new-screen.js"' in third


async def test_the_shell_travels_gzipped_and_the_api_is_left_alone(client):
    for url in ("/js/router.js", "/css/app.css", "/index.html", "/service-worker.js", "/vendor/idb/index.js"):
        response = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers.get("content-encoding") == "gzip", url
    family = await make_family()
    await sign_in(client, family.parent)
    portal = await client.get("/api/portal", headers={"Accept-Encoding": "gzip"})
    assert portal.status_code == 200 and len(portal.content) > 500  # big enough to be compressed, were it not /api
    assert "content-encoding" not in portal.headers


# A word with "(s)", "(es)" or "(x)" glued on: French writes the singular or the plural (format.js `plural`).
PARENTHESISED_PLURAL = re.compile(r"[^\W\d_]\((?:s|es|x)\)")
STRING_LITERAL = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`""", re.DOTALL)


def user_facing_text(path: Path) -> list[str]:
    """The strings a person may read: a script's string literals (comments left out), a page's text."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        source = re.sub(r"^\s*//.*$|/\*.*?\*/", "", source, flags=re.MULTILINE | re.DOTALL)
        return STRING_LITERAL.findall(source)
    return [re.sub(r"<!--.*?-->", "", source, flags=re.DOTALL)]


def test_french_plurals_are_written_never_parenthesised():
    assert PARENTHESISED_PLURAL.search("`${n} démarche(s) vous attendent`")
    assert not PARENTHESISED_PLURAL.search("items.map((s) => s.id)")
    found = [
        f"{path.relative_to(PWA)}: {match.group(0)}"
        for path in sorted([*PWA.rglob("*.js"), *PWA.rglob("*.html")])
        for text in user_facing_text(path)
        for match in PARENTHESISED_PLURAL.finditer(text)
    ]
    assert found == []
