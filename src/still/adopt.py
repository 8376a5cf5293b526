"""`still init --from-alembic`: read an Alembic project's configuration (alembic.ini and,
without running it, env.py) and write the still configuration that takes it over.

Nothing of Alembic's is moved or edited: the revision files stay where they are, byte for
byte, and the version table keeps its name (`alembic_version` unless env.py says
otherwise), so the database is at the same revision for still and Alembic can still be
run afterwards.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from still.errors import StillError


@dataclass
class Adoption:
    ini: Path
    script_location: str
    version_locations: Optional[list[str]] = None
    url: str = "${DATABASE_URL}"
    version_table: str = "alembic_version"
    version_table_schema: Optional[str] = None
    metadata: Optional[str] = None
    metadata_loader: list[str] = field(default_factory=list)  # what env.py runs to import the models
    # env.py gives Alembic a target_metadata, whose naming convention op.* names follow
    target_metadata: bool = False
    notes: list[str] = field(default_factory=list)  # what the user must check

    def toml(self) -> str:
        lines = [f"# taken over from {self.ini.name} by 'still init --from-alembic'",
                 f"url = {_q(self.url)}", f"script_location = {_q(self.script_location)}"]
        if self.version_locations is not None:
            lines.append("version_locations = [" + ", ".join(_q(v) for v in self.version_locations) + "]")
        lines.append(f"version_table = {_q(self.version_table)}")
        if self.version_table_schema:
            lines.append(f"version_table_schema = {_q(self.version_table_schema)}")
        if self.metadata:
            lines.append(f"metadata = {_q(self.metadata)}")
        if self.metadata and self.metadata_loader:
            lines.append("# run before metadata is read, as env.py does before target_metadata")
            loaders = [_q(loader) for loader in self.metadata_loader]
            lines.append(f"metadata_loader = {loaders[0] if len(loaders) == 1 else '[' + ', '.join(loaders) + ']'}")
        if self.target_metadata:
            lines.append("# op.* names follow the models' naming convention, as under Alembic")
            lines.append("metadata_naming_convention = true")
        return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def find_ini(path: Optional[Path]) -> Path:
    ini = Path(path) if path is not None else Path("alembic.ini")
    if ini.is_dir():
        ini = ini / "alembic.ini"
    if not ini.is_file():
        raise StillError(f"{ini}: no such file; pass the path of the Alembic project's alembic.ini")
    return ini.resolve()


def read_alembic(ini: Path, metadata: Optional[str] = None) -> Adoption:
    parser = configparser.ConfigParser(defaults={"here": str(ini.parent)})
    try:
        parser.read(ini, encoding="utf-8")
    except configparser.Error as err:
        raise StillError(f"{ini.name}: {' '.join(str(err).split())}") from None
    if not parser.has_section("alembic"):
        raise StillError(f"{ini.name} has no [alembic] section: is it an Alembic configuration?")

    def option(name: str) -> Optional[str]:
        try:
            value = parser.get("alembic", name, fallback=None)
        except configparser.Error as err:
            raise StillError(f"{ini.name}: [alembic] {name}: {' '.join(str(err).split())}") from None
        return value.strip() if value and value.strip() else None

    location = option("script_location")
    if location is None:
        raise StillError(f"{ini.name}: [alembic] has no script_location")
    script = _script_dir(location, ini.parent)
    found = Adoption(ini=ini, script_location=_relative(script, ini.parent))
    versions = option("version_locations")
    if versions:
        dirs = [_dir(v, ini.parent) for v in _split(versions, option("path_separator")
                                                     or option("version_path_separator"))]
        found.version_locations = [_relative(d, ini.parent) for d in dirs]
    elif not (script / "versions").is_dir():
        found.notes.append(f"{script}/versions does not exist: Alembic sets version_locations elsewhere "
                           "(in env.py?); set version_locations in still.toml")
    elif not any((script / "versions").glob("*.py")):
        inner = sorted(d.name for d in (script / "versions").iterdir() if d.is_dir() and any(d.glob("*.py")))
        if inner:  # Prefect keeps one history per dialect
            found.notes.append(f"versions/ holds {', '.join(inner)}: env.py picks one (per database?); set "
                               f"version_locations = [\"{found.script_location}/versions/{inner[0]}\"] "
                               "(or the one for your database) in still.toml")
    _url(found, option("sqlalchemy.url"))
    for name in ("file_template", "truncate_slug_length", "timezone", "revision_environment"):
        if option(name):
            found.notes.append(f"{name} is not carried over: still names and writes revision files its own way")
    env = script / "env.py"
    if env.is_file():
        _read_env(found, env, metadata)
    if metadata:
        found.metadata = metadata
    if found.metadata is None:
        found.notes.append("no target_metadata found in env.py: set metadata = \"package.module:attribute\" "
                           "in still.toml or pass --metadata to plan, check and generate"
                           + (" (upgrade needs it too: revision files' names follow its naming convention)"
                              if found.target_metadata else ""))
    return found


def _script_dir(location: str, here: Path) -> Path:
    if ":" in location and not re.match(r"^[A-Za-z]:[\\/]", location):
        # Alembic's package form 'package:path:inside'
        package, *inside = location.split(":")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise StillError(f"script_location {location!r}: package {package!r} cannot be found")
        path = Path(list(spec.submodule_search_locations)[0]).joinpath(*inside)
    else:
        path = _dir(location, here)
    if not path.is_dir():
        raise StillError(f"script_location {location!r}: {path} is not a directory")
    return path


def _dir(value: str, here: Path) -> Path:
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    # Alembic takes relative paths from the working directory; most projects run it next
    # to alembic.ini, so that directory is tried when the working directory has no such path
    from_cwd = Path.cwd() / path
    return from_cwd.resolve() if from_cwd.exists() else (here / path).resolve()


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _split(value: str, separator: Optional[str]) -> list[str]:
    import os

    separators = {"space": " ", "comma": ",", "colon": ":", "semicolon": ";", "newline": "\n", "os": os.pathsep}
    if separator in separators:
        parts = value.split(separators[separator])
    else:
        parts = re.split(r"[,\s]+", value)  # Alembic's legacy splitting
    return [p.strip() for p in parts if p.strip()]


def _url(found: Adoption, url: Optional[str]) -> None:
    url = url.strip("\"'") if url else None
    placeholder = not url or url.startswith("driver://") or "%(" in url
    if placeholder:
        found.notes.append("no database URL in alembic.ini: still reads it from DATABASE_URL")
        return
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        found.notes.append("sqlalchemy.url could not be read as a URL: still reads it from DATABASE_URL")
        return
    if parsed.password:
        found.notes.append("alembic.ini's sqlalchemy.url holds a password: still.toml reads the URL from "
                           "DATABASE_URL instead; set it (the password is not copied)")
        return
    found.url = url


def _read_env(found: Adoption, env: Path, metadata: Optional[str]) -> None:
    """version_table=, version_table_schema= and target_metadata, read from env.py's
    source (it is not run: it would configure Alembic)."""
    try:
        text = env.read_text(encoding="utf-8")
        tree = ast.parse(text, str(env))
    except (SyntaxError, UnicodeDecodeError, OSError) as err:
        found.notes.append(f"env.py could not be read ({type(err).__name__}): check version_table by hand")
        return
    imports: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}:{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:  # `import a.b.c` binds `a`; the chain a.b.c.X names module a.b.c
                    imports.setdefault("." + alias.name, alias.name)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "configure":
            for kw in node.keywords:
                if kw.arg in ("version_table", "version_table_schema"):
                    if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        setattr(found, kw.arg, kw.value.value)
                    else:
                        found.notes.append(f"env.py computes {kw.arg}=: check the value in still.toml")
    found.target_metadata = any(
        isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "target_metadata"
                                             for t in node.targets)
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in tree.body)
    if metadata is None:
        found.metadata = _target_metadata(tree, imports, found.ini.parent)
    found.metadata_loader = _metadata_loaders(tree, imports, found.ini.parent, found.notes)
    if "include_object" in text or "include_name" in text:
        found.notes.append("env.py filters objects (include_object/include_name): still does not run env.py; "
                           "use exclude_tables in still.toml or an include_object hook in a still env.py")


def _assigns_target_metadata(node: ast.stmt) -> bool:
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "target_metadata"
                                                for t in node.targets)


def _target_metadata(tree: ast.Module, imports: dict[str, str], root: Path) -> Optional[str]:
    """'module:attr.path' for `target_metadata = <name imported from a module>[.attr...]`,
    or for `= <such a function>()`: the `metadata` setting may name a function to call."""
    for node in tree.body:
        if _assigns_target_metadata(node):
            value = node.value
            if isinstance(value, ast.Call):
                if value.args or value.keywords:
                    return None
                value = value.func
            return _origin(value, imports, root)
    return None


def _origin(value: ast.expr, imports: dict[str, str], root: Path) -> Optional[str]:
    """'module:attr.path' for `<name imported from a module>[.attr...]`; `from pkg import
    models` is taken as the module pkg.models when root has that file."""
    parts: list[str] = []
    while isinstance(value, ast.Attribute):
        parts.insert(0, value.attr)
        value = value.value
    if not isinstance(value, ast.Name):
        return None
    dotted = [value.id, *parts]
    for cut in range(len(dotted) - 1, 0, -1):
        if imports.get("." + ".".join(dotted[:cut])) == ".".join(dotted[:cut]):
            return f"{'.'.join(dotted[:cut])}:{'.'.join(dotted[cut:])}"
    if value.id not in imports:
        return None
    origin = imports[value.id]
    if ":" in origin:
        module, name = origin.split(":")
        if parts and _is_module(root, f"{module}.{name}"):
            return f"{module}.{name}:{'.'.join(parts)}"
        return f"{module}:{'.'.join([name, *parts])}"
    if parts:  # `import pkg.models as m` then m.Base.metadata
        return f"{origin}:{'.'.join(parts)}"
    return None


def _is_module(root: Path, module: str) -> bool:
    for base in (root, root / "src"):
        inner = base.joinpath(*module.split("."))
        if inner.with_suffix(".py").is_file() or (inner / "__init__.py").is_file():
            return True
    return False


def _metadata_loaders(tree: ast.Module, imports: dict[str, str], root: Path, notes: list[str]) -> list[str]:
    """What env.py runs before `target_metadata = ...` that imports the models: calls
    without arguments to the project's functions (`models.import_all_models()`), and
    imports of the project's modules whose names env.py never uses (imported for the
    tables they declare), in order."""
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    loaders: list[str] = []
    for node in tree.body:
        if _assigns_target_metadata(node):
            break
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            origin = _origin(call.func, imports, root)
            if origin is None or not (_is_module(root, origin.split(":")[0].split(".")[0])
                                      or "model" in origin.lower()):
                continue
            if call.args or call.keywords:
                notes.append(f"env.py calls {ast.unparse(call.func)}(...) before target_metadata: a call with "
                             f"arguments is not carried over; if it imports the models, set metadata_loader to "
                             f"a function without arguments that does")
            else:
                loaders.append(origin)
        elif isinstance(node, ast.Import):
            loaders += [a.name for a in node.names if (a.asname or a.name.split(".")[0]) not in used
                        and _is_module(root, a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name == "*" or (alias.asname or alias.name) not in used:
                    inner = f"{node.module}.{alias.name}"
                    module = inner if alias.name != "*" and _is_module(root, inner) else node.module
                    if _is_module(root, module) and module not in loaders:
                        loaders.append(module)
    return loaders
