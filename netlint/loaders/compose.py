"""Docker Compose projects: the effective model Compose would run, with positions.

Compose reads more than one file: the default file of a directory (``compose.yaml``,
``compose.yml``, ``docker-compose.yml``, ``docker-compose.yaml``) with its override file
(``compose.override.yml``, ...), ``include:``d files, ``extends:`` base services, and the
``.env`` file whose values interpolate ``${VAR}`` references.  :func:`assemble_projects`
turns the scanned Compose documents into one merged document per project; every entry of
the merged tree keeps the position tuple of the file it came from, so findings point at
the file and line of the effective value.

Only files are read, never executed; a reference that cannot be followed (a missing file,
a remote include, an unknown service) is recorded as a :class:`Problem` on the merged
document and reported by the ``compose-unresolved-reference`` rule.

Templates use :func:`compose_services` and the small parsers below (ports, mounts,
environment, security options) so that short and long syntax read the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.loaders.compose_interp import (
    Interpolated,
    Unresolved,
    interpolate,
    is_interpolated,
    is_unresolved,
    parse_dotenv,
)
from netlint.loaders.compose_merge import drop_resets, item_to_keypos, merge
from netlint.loaders.compose_values import Mount, Port, parse_mount, parse_port, truthy
from netlint.source import Source, Span
from netlint.yamlnodes import Document, YList, YMap, new_list, new_map

__all__ = [
    "Mount", "Port", "Problem", "Unresolved", "assemble_projects", "compose_services",
    "environment", "is_interpolated", "is_unresolved", "parse_mount", "parse_port",
    "security_opts", "truthy",
]

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = ("compose.override.yml", "compose.override.yaml",
                  "docker-compose.override.yml", "docker-compose.override.yaml")
MAX_INCLUDE_DEPTH = 10
MAX_EXTRA_FILES = 200
MAX_MODELS = 1000  # included-file models per scan: bounds the total include work
PROBLEMS = "compose_problems"


@dataclass(frozen=True)
class Problem:
    """A reference the loader could not follow, with where it is written."""

    source: Source
    span: Span
    message: str


# --- the API templates use -------------------------------------------------------------


def compose_services(doc: Document) -> Iterator[tuple[str, Mapping[str, Any], tuple[str, str]]]:
    """(name, service mapping, path of the service) for each service of a Compose document."""
    value = doc.value
    svcs = value.get("services") if isinstance(value, Mapping) else None
    if not isinstance(svcs, Mapping):
        return
    for name, svc in svcs.items():
        if isinstance(svc, Mapping):
            yield str(name), svc, ("services", name)


def problems(doc: Document) -> list[Problem]:
    return list(doc.cache.get(PROBLEMS, ()))


def environment(svc: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(name, value) of a service's ``environment`` (the loader makes lists mappings)."""
    env = svc.get("environment")
    if isinstance(env, Mapping):
        for k, v in env.items():
            yield str(k), v
    elif isinstance(env, list):
        for item in env:
            if isinstance(item, str):
                k, sep, v = item.partition("=")
                yield k, (v if sep else None)


def security_opts(svc: Mapping[str, Any]) -> Iterator[tuple[int, str, str]]:
    """(index, option, value) of ``security_opt`` entries: "opt:value" or "opt=value"."""
    opts = svc.get("security_opt")
    if not isinstance(opts, list):
        return
    for i, opt in enumerate(opts):
        if not isinstance(opt, str):
            continue
        text = opt.strip()
        cut = min((p for p in (text.find(":"), text.find("=")) if p >= 0), default=len(text))
        yield i, text[:cut].strip().lower(), text[cut + 1:].strip()


# --- assembling projects --------------------------------------------------------------


@dataclass
class Assembled:
    documents: list[Document]
    sources: list[Source] = field(default_factory=list)  # Compose files read from disk
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    # variables substituted from the environment or env files (name -> value): reports
    # show their template instead (netlint/redaction.py)
    substituted: dict[str, str] = field(default_factory=dict)
    # every answer the file system gave, and every variable looked up, while assembling:
    # the same answers (FileSystem.unchanged) make the same projects (netlint/check.py
    # reuses the Compose results of an earlier scan then)
    answers: dict[str, Any] = field(default_factory=dict)
    looked_up: set[str] = field(default_factory=set)


def assemble_projects(documents: list[Document], ignore_env: bool = False,
                      max_file_size: int = 10 * 1024 * 1024,
                      roots: list[str] | None = None) -> Assembled:
    """Replace the scanned Compose documents by one merged document per project.

    Files that Compose references (``include``, ``extends.file``, ``env_file``, ``.env``)
    are read only inside ``roots`` (real directories: the scanned trees and their
    repositories; None allows any path) and never from /proc, /dev or /sys.
    """
    loader = _Loader(documents, ignore_env, max_file_size, roots)
    out: list[Document] = []
    done: set[str] = set()
    result = Assembled(out)
    first_compose: set[int] = set()
    seen_sources: set[int] = set()
    for doc in documents:
        if doc.kind == "compose" and id(doc.source) not in seen_sources:
            seen_sources.add(id(doc.source))
            first_compose.add(id(doc))
    built: list[tuple[Document, str | None]] = []  # (document, file when standalone)
    for doc in documents:
        if doc.kind != "compose" or doc.cache.get("compose_assembled"):
            built.append((doc, None))
            continue
        files = loader.project_files(doc) if id(doc) in first_compose else None
        key = "|".join(map(loader.fs.real, files)) if files else f"doc:{id(doc)}"
        if key in done:
            continue
        done.add(key)
        alone = (loader.fs.real(doc.source.path)
                 if files is None and id(doc) in first_compose else None)
        try:
            built.append((loader.project(doc, files), alone))
            shadow = loader.shadowed_document(doc)
            if shadow is not None:
                built.append((shadow, alone))
        except Exception as exc:  # never lose the file: check it standalone
            result.errors.append((doc.source.path, f"Compose loader failed: "
                                                   f"{type(exc).__name__}: {exc}"))
            built.append((doc, None))
    # a scanned file that another project includes is checked as part of that project
    out.extend(d for d, alone in built if alone is None or alone not in loader.included)
    result.sources = loader.extra_sources
    result.answers = loader.fs.answers
    result.looked_up = loader.looked_up
    # a value written in a Compose file (a default such as ``${TAG:-latest}``) is public
    # already: only values found nowhere in the project's files are hidden
    texts = [d.source.text for d in documents if d.kind == "compose"]
    texts += [s.text for s in loader.extra_sources]
    result.substituted = {name: value for name, value in loader.substituted.items()
                          if not any(value in text for text in texts)}
    return result


class _RecordingEnv(dict):  # type: ignore[type-arg]
    """Interpolation values that remember which of them were used (``get`` is all that
    interpolation calls), so that reports can hide them."""

    used: dict[str, str]

    looked_up: set[str]

    def get(self, key: Any, default: Any = None) -> Any:
        self.looked_up.add(key)
        value = dict.get(self, key)
        if value is None:
            return default
        self.used[key] = value
        return value


class FileSystem:
    """The loader's view of the file system, which remembers every answer it gave (a real
    path, whether a file exists, a file's text or bytes by hash, or why it cannot be
    read): what a project is made of besides the scanned files.  :meth:`unchanged` asks
    again.  Interpolation variables are remembered apart (``_Loader.looked_up``)."""

    def __init__(self, max_file_size: int) -> None:
        self.max_file_size = max_file_size
        self.answers: dict[str, Any] = {}  # "<question>\0<path>" -> its answer

    def real(self, path: str) -> str:
        real = os.path.realpath(path)
        self.answers.setdefault(f"real\0{path}", real)
        return real

    def isfile(self, path: str) -> bool:
        found = os.path.isfile(path)
        self.answers.setdefault(f"isfile\0{path}", found)
        return found

    def source(self, path: str) -> Any:
        """The file as a Source (its display path), or a ReadProblem."""
        from netlint.discovery import FileEntry, ReadProblem, display_path, read_source

        got = read_source(FileEntry(path, display_path(path)), self.max_file_size)
        self.answers.setdefault(f"source\0{path}", _digest(
            got.message if isinstance(got, ReadProblem) else got.text,
            isinstance(got, ReadProblem)))
        return got

    def data(self, path: str) -> Any:
        """The file's bytes, or a ReadProblem."""
        from netlint.discovery import ReadProblem, read_regular

        got = read_regular(path, self.max_file_size)
        self.answers.setdefault(f"data\0{path}", _digest(
            got.message if isinstance(got, ReadProblem) else got,
            isinstance(got, ReadProblem)))
        return got

    @classmethod
    def unchanged(cls, answers: Mapping[str, Any], max_file_size: int
                  ) -> dict[str, Source] | None:
        """Whether every question gets the answer it got before; then the Compose files
        read (path -> Source) as they are now, else None."""
        fs = cls(max_file_size)
        sources: dict[str, Source] = {}
        for key, answer in answers.items():
            question, _, path = key.partition("\0")
            if question == "real":
                fs.real(path)
            elif question == "isfile":
                fs.isfile(path)
            elif question == "source":
                got = fs.source(path)
                if isinstance(got, Source):
                    sources[path] = got
            elif question == "data":
                fs.data(path)
            else:
                return None
            if fs.answers.get(key) != answer:
                return None
        return sources


def _digest(content: str | bytes, problem: bool) -> str:
    import hashlib

    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return ("problem:" if problem else "") + hashlib.sha256(data).hexdigest()


class _Loader:
    def __init__(self, documents: list[Document], ignore_env: bool, max_file_size: int,
                 roots: list[str] | None = None) -> None:
        self.ignore_env = ignore_env
        self.roots = roots
        self.max_file_size = max_file_size
        self.fs = FileSystem(max_file_size)
        self.looked_up: set[str] = set()  # interpolation variables, set or not
        self.scanned: dict[str, Document] = {}
        for doc in documents:
            if doc.kind == "compose" and doc.source.path != "<stdin>":
                self.scanned.setdefault(self.fs.real(doc.source.path), doc)
        self.files: dict[str, tuple[Source, Any] | str] = {}
        self.envs: dict[tuple[str, ...], dict[str, str]] = {}
        self.extra_sources: list[Source] = []
        self.included: set[str] = set()  # files brought in by an include
        self.substituted: dict[str, str] = {}
        # included services whose names an including file already uses: (name, service,
        # its key position, the position of its ``services`` key)
        self.shadowed: list[tuple[Any, Any, Any, Any]] = []
        self.models: dict[tuple[str, int], Any] = {}  # included files' models
        self.extends_cache: dict[tuple[int, int], YMap | None] = {}

    # -- files

    def project_files(self, doc: Document) -> list[str] | None:
        """The files Compose would load together with ``doc`` by default, or None."""
        path = doc.source.path
        if path == "<stdin>":
            return None
        name = os.path.basename(path)
        if name not in DEFAULT_FILES and name not in OVERRIDE_FILES:
            return None
        folder = os.path.dirname(path) or "."
        base = next((f for f in DEFAULT_FILES if self.fs.isfile(os.path.join(folder, f))), None)
        if base is None:
            return None
        override = next((f for f in OVERRIDE_FILES if self.fs.isfile(os.path.join(folder, f))),
                        None)
        files = [os.path.join(folder, base)] + ([os.path.join(folder, override)]
                                                if override else [])
        real = self.fs.real(path)
        return files if any(self.fs.real(f) == real for f in files) else None

    def read(self, path: str) -> tuple[Source, Any] | str:
        """A Compose file's source and root value, or why it cannot be read."""
        real = self.fs.real(path)
        hit = self.files.get(real)
        if hit is not None:
            return hit
        doc = self.scanned.get(real)
        result: tuple[Source, Any] | str
        refused = self.refused(real)
        if doc is not None:
            result = (doc.source, doc.value)
        elif refused:
            result = refused
        elif len(self.files) >= MAX_EXTRA_FILES:
            result = "too many referenced files"
        elif not self.fs.isfile(path):
            result = "file not found"
        else:
            from netlint.discovery import ReadProblem
            from netlint.yamlnodes import parse_documents

            source = self.fs.source(path)
            if isinstance(source, ReadProblem):
                result = source.message
            else:
                docs, error = parse_documents(source)
                value = next((d.value for d in docs if isinstance(d.value, YMap)), None)
                if value is None:
                    result = error.message if error else "not a Compose mapping"
                else:
                    result = (source, value)
                    self.extra_sources.append(source)
        self.files[real] = result
        return result

    def refused(self, real: str) -> str:
        """Why the real path ``real`` may not be read ("" when it may)."""
        from netlint.discovery import inside

        if self.roots is None:
            return "" if inside(real, ["/"]) else "a special file; never read"
        if not inside(real, self.roots):
            return ("outside the scanned tree and its repository; not read (allow with "
                    "--compose-allow-outside)") if inside(real, ["/"]) else (
                "a special file; never read")
        return ""

    def env_file_problem(self, path: str) -> str:
        """Why the env file ``path`` cannot be read ("" when it can)."""
        refused = self.refused(self.fs.real(path))
        if refused:
            return refused
        return "" if self.fs.isfile(path) else "file not found"

    def env(self, folder: str, env_files: tuple[str, ...] = ()) -> dict[str, str]:
        """Interpolation values: the env files (paths; default: ``folder``/.env), then
        the environment unless ignored."""
        key = (folder, *env_files)
        hit = self.envs.get(key)
        if hit is not None:
            return hit
        from netlint.discovery import ReadProblem

        values: dict[str, str] = {}
        for path in env_files or (os.path.join(folder, ".env"),):
            if self.env_file_problem(path):
                continue  # reported by include(); a missing default .env is normal
            data = self.fs.data(path)
            if not isinstance(data, ReadProblem):
                values.update(parse_dotenv(data.decode("utf-8", errors="replace"), values))
        if not self.ignore_env:
            values.update(os.environ)
        recording = _RecordingEnv(values)
        recording.used = self.substituted
        recording.looked_up = self.looked_up
        self.envs[key] = recording
        return recording

    # -- models

    def shadowed_document(self, first: Document) -> Document | None:
        """The included services that a name conflict kept out of the merged model, as a
        document of their own so that every loaded service is checked."""
        if not self.shadowed:
            return None
        services = new_map()
        services_pos = self.shadowed[0][3]
        for name, svc, pos, _ in self.shadowed:
            if name not in services:
                services[name] = svc
                services.pos[name] = pos
        self.shadowed = []
        model = new_map()
        model["services"] = services
        model.pos["services"] = services_pos
        shadow = Document(source=first.source, index=first.index, value=model,
                          start=first.start, end=first.end, kind="compose")
        shadow.cache["compose_assembled"] = True
        shadow.cache[PROBLEMS] = []
        return shadow

    def project(self, doc: Document, files: list[str] | None) -> Document:
        problems: list[Problem] = []
        self.shadowed = []
        if files is None:
            folder = os.path.dirname(doc.source.path) if doc.source.path != "<stdin>" else "."
            env = self.env(folder or ".")
            model = self.model(doc.source, doc.value, env, problems, 0, ())
            first = doc
        else:
            env = self.env(os.path.dirname(files[0]) or ".")
            model = None
            first = doc
            for i, path in enumerate(files):
                got = self.read(path)
                if isinstance(got, str):
                    continue
                source, value = got
                if i == 0:
                    scanned = self.scanned.get(self.fs.real(path))
                    first = scanned if scanned is not None else doc
                part = self.model(source, value, env, problems, 0, ())
                model = part if model is None else merge(model, part)
            if model is None:  # cannot happen: doc itself is one of the files
                model = self.model(doc.source, doc.value, env, problems, 0, ())
        drop_resets(model)
        self.check_env_files(model, problems)
        merged = Document(source=first.source, index=first.index, value=model,
                          start=first.start, end=first.end, kind="compose")
        merged.cache["compose_assembled"] = True
        merged.cache[PROBLEMS] = problems
        merged.cache["compose_files"] = files or [doc.source.path]
        return merged

    def model(self, source: Source, value: Any, env: Mapping[str, str], problems: list[Problem],
              depth: int, chain: tuple[str, ...]) -> Any:
        """One file's model: interpolated, normalised, extends resolved, includes added."""
        model = _interpolated(value, env, {})
        if not isinstance(model, YMap):
            return model
        _normalise(model)
        services = model.get("services")
        if isinstance(services, YMap):
            resolved = new_map()
            for name in services:
                resolved[name] = self.extended(source, services, name, env, problems,
                                               ((self.fs.real(source.path), name),))
                resolved.pos[name] = services.pos[name]
            model["services"] = resolved
        if "include" in model:
            self.include(source, model, problems, depth, (*chain, self.fs.real(source.path)))
        return model

    def extended(self, source: Source, services: YMap, name: Any, env: Mapping[str, str],
                 problems: list[Problem], stack: tuple[tuple[str, Any], ...]) -> Any:
        svc = services[name]
        if not isinstance(svc, YMap) or "extends" not in svc:
            return svc
        ext = svc["extends"]
        local = new_map()
        for k, v in svc.items():
            if k != "extends":
                local[k] = v
                local.pos[k] = svc.pos[k]
        where = _entry_span(svc, "extends")
        if isinstance(ext, str):
            base_name, file = ext, None
        elif isinstance(ext, Mapping) and isinstance(ext.get("service"), str):
            base_name, file = ext["service"], ext.get("file")
        else:
            problems.append(Problem(*where, f"service '{name}': extends needs a service name"))
            return local
        base_source, base_services = source, services
        if file is not None:
            path = _relative(source, str(file))
            got = self.read(path)
            if isinstance(got, str):
                problems.append(Problem(*where, f"service '{name}' extends '{base_name}' from "
                                f"'{file}', which cannot be read ({got}); its settings are "
                                "not checked"))
                return local
            base_source = got[0]
            other_services = self.extended_services(got[1], env)
            if other_services is None:
                problems.append(Problem(*where, f"service '{name}' extends '{base_name}' from "
                                f"'{file}', which defines no services"))
                return local
            base_services = other_services
        if base_name not in base_services:
            problems.append(Problem(*where, f"service '{name}' extends unknown service "
                            f"'{base_name}'" + (f" of '{file}'" if file else "")))
            return local
        key = (self.fs.real(base_source.path), base_name)
        if key in stack or len(stack) > 20:
            problems.append(Problem(*where, f"service '{name}': extends forms a cycle through "
                            f"'{base_name}'"))
            return local
        base = self.extended(base_source, base_services, base_name, env, problems,
                             (*stack, key))
        return merge(base, local) if isinstance(base, YMap) else local

    def extended_services(self, value: Any, env: Mapping[str, str]) -> YMap | None:
        """The interpolated, normalised services of a file that ``extends`` reads, built
        once per file and set of values (not once per service that extends it)."""
        key = (id(value), id(env))
        if key in self.extends_cache:
            return self.extends_cache[key]
        other = _interpolated(value, env, {})
        services = other.get("services") if isinstance(other, YMap) else None
        if isinstance(services, YMap):
            for svc in services.values():
                if isinstance(svc, YMap):
                    _normalise_service(svc)
        else:
            services = None
        self.extends_cache[key] = services
        return services

    def include(self, source: Source, model: YMap, problems: list[Problem], depth: int,
                chain: tuple[str, ...]) -> None:
        entries = model.get("include")
        if not isinstance(entries, YList):
            return
        for i, entry in enumerate(entries):
            src, line, col, end_line, end_col = entries.pos[i]
            where = (src, src.span(line, col, end_line, end_col))
            env_files: tuple[str, ...] = ()
            if isinstance(entry, str):
                paths, project_dir = [entry], None
            elif isinstance(entry, Mapping):
                raw = entry.get("path")
                paths = [str(p) for p in raw] if isinstance(raw, list) else [str(raw)]
                project_dir = entry.get("project_directory")
                ef = entry.get("env_file")
                if isinstance(ef, list):
                    env_files = tuple(str(name) for name in ef)
                elif ef:
                    env_files = (str(ef),)
            else:
                continue
            included: Any = None
            for p in paths:
                if "://" in p or p.startswith(("git@", "oci:")):
                    problems.append(Problem(*where, f"include '{p}' is remote and is not "
                                    "fetched; its services are not checked"))
                    continue
                path = _relative(source, p)
                if self.fs.real(path) in chain or depth >= MAX_INCLUDE_DEPTH:
                    problems.append(Problem(*where, f"include '{p}' forms a cycle or nests too "
                                    "deep; not followed"))
                    continue
                got = self.read(path)
                self.included.add(self.fs.real(path))
                if isinstance(got, str):
                    problems.append(Problem(*where, f"included file '{p}' cannot be read "
                                    f"({got}); its services are not checked"))
                    continue
                if len(self.models) >= MAX_MODELS:
                    problems.append(Problem(*where, f"include '{p}' not followed: the "
                                    f"project loads more than {MAX_MODELS} files"))
                    continue
                folder = (_relative(source, str(project_dir)) if project_dir
                          else os.path.dirname(path) or ".")
                env_paths = tuple(_relative(source, e) for e in env_files)
                for name, env_path in zip(env_files, env_paths, strict=True):
                    why = self.env_file_problem(env_path)
                    if why:
                        problems.append(Problem(*where, f"include env_file '{name}' cannot "
                                        f"be read ({why}); its variables are not set"))
                env = self.env(folder, env_paths)
                # each file is modelled once per scan and set of values: a file included
                # from many places (7 files of 12 includes each) is not loaded again per path
                key = (self.fs.real(path), id(env))
                part = self.models.get(key)
                if part is None:
                    part = self.model(got[0], got[1], env, problems, depth + 1, chain)
                    self.models[key] = part
                included = part if included is None else merge(included, part)
            if not isinstance(included, YMap):
                continue
            for section in ("services", "networks", "volumes", "configs", "secrets"):
                add = included.get(section)
                if not isinstance(add, YMap):
                    continue
                mine = model.get(section)
                if not isinstance(mine, YMap):
                    mine = new_map()
                    model[section] = mine
                    model.pos[section] = included.pos[section]
                for k, v in add.items():
                    if k not in mine:
                        mine[k] = v
                        mine.pos[k] = add.pos[k]
                    elif section == "services" and v is not mine[k]:
                        # Compose refuses the conflict; the including file's service is
                        # the merged one, the included one is still checked on its own
                        self.shadowed.append((k, v, add.pos[k], included.pos[section]))
                        problems.append(Problem(*where, f"included service '{k}' has the "
                                        "name of a service of this project; Compose "
                                        "refuses the conflict (both are checked)"))

    def check_env_files(self, model: Any, problems: list[Problem]) -> None:
        services = model.get("services") if isinstance(model, YMap) else None
        if not isinstance(services, YMap):
            return
        for name, svc in services.items():
            ef = svc.get("env_file") if isinstance(svc, YMap) else None
            items: list[tuple[Any, tuple[Source, Span]]] = []
            if isinstance(ef, str):
                items.append((ef, _entry_span(svc, "env_file")))
            elif isinstance(ef, YList):
                for i, item in enumerate(ef):
                    src, line, col, end_line, end_col = ef.pos[i]
                    items.append((item, (src, src.span(line, col, end_line, end_col))))
            for item, (src, span) in items:
                if isinstance(item, Mapping):
                    if item.get("required") is False or str(item.get("required")) == "false":
                        continue
                    item = item.get("path")
                if not isinstance(item, str) or is_unresolved(item) or src.path == "<stdin>":
                    continue
                if not self.fs.isfile(_relative(src, item)):
                    problems.append(Problem(src, span, f"service '{name}': env_file '{item}' "
                                    "does not exist; the variables it sets are not checked"))


# --- helpers --------------------------------------------------------------------------


def _relative(source: Source, path: str) -> str:
    path = os.path.expanduser(path)
    if os.path.isabs(path):
        return path
    folder = os.path.dirname(source.path) if source.path != "<stdin>" else "."
    return os.path.normpath(os.path.join(folder or ".", path))


def _entry_span(mapping: YMap, key: Any) -> tuple[Source, Span]:
    src, kl, kc, _kel, _kec, _vl, _vc, vel, vec = mapping.pos[key]
    if vel > kl:
        return src, src.span(kl, kc, kl, len(src.line_text(kl + 1)))
    return src, src.span(kl, kc, vel, vec)


def _interpolated(value: Any, env: Mapping[str, str], memo: dict[int, Any]) -> Any:
    """A copy of ``value`` with every string interpolated (keys are not interpolated)."""
    if isinstance(value, str):
        return interpolate(value, env) if "$" in value else value
    if isinstance(value, YMap):
        hit = memo.get(id(value))
        if hit is not None:
            return hit
        out = new_map()
        memo[id(value)] = out
        for k, v in value.items():
            # extension fields (x-*) are free-form: keep them as written
            out[k] = v if isinstance(k, str) and k.startswith("x-") else _interpolated(v, env,
                                                                                     memo)
            out.pos[k] = value.pos[k]
        return out
    if isinstance(value, YList):
        hit = memo.get(id(value))
        if hit is not None:
            return hit
        out_list = new_list()
        memo[id(value)] = out_list
        out_list.extend(_interpolated(v, env, memo) for v in value)
        out_list.pos.extend(value.pos)
        return out_list
    return value


def _normalise(model: YMap) -> None:
    services = model.get("services")
    if isinstance(services, YMap):
        for svc in services.values():
            if isinstance(svc, YMap):
                _normalise_service(svc)


def _normalise_service(svc: YMap) -> None:
    """``environment`` as a list becomes a mapping (each entry keeps the item's position)."""
    env = svc.get("environment")
    if isinstance(env, YList):
        mapping = new_map()
        for i, item in enumerate(env):
            if not isinstance(item, str):
                continue
            k, sep, v = item.partition("=")
            value: Any = v if sep else None
            if isinstance(item, Unresolved) and sep:
                value = Unresolved(v)
                value.variables, value.errors = item.variables, item.errors
            elif is_interpolated(item) and sep:
                value = Interpolated(v)
            if isinstance(value, Interpolated) and isinstance(item, Interpolated):
                value.raw = item.raw.partition("=")[2]
            mapping[k] = value
            mapping.pos[k] = item_to_keypos(env.pos[i])
        svc["environment"] = mapping
