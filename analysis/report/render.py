"""The article report: the parameterized notebook run by papermill, exported in-process as one offline HTML file.

Reusable pieces (a batch runner builds on them):
- `start_kernel()` / `stop_kernel()`: one Jupyter kernel, started once;
- `execute_notebook(parameters, km=...)`: the report notebook run by papermill in a given kernel
  (the `analysis-kernel` engine; any other registered papermill engine can be named instead);
- `export_html(nb, title)`: nbconvert's HTMLExporter (`analysis.report.exporter`), in-process, code cells hidden, nothing loaded from a host,
  a Content-Security-Policy that lets only the page's own scripts run (`analysis.report.csp`);
- `external_resources(html)`: every http(s) or protocol-relative resource a page would load (empty for ours);
- `render_report(...)`: all of it for one article, timed; the page and its notebook written as one set.
"""
from __future__ import annotations

import functools
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from collections.abc import Sequence

from analysis.files import write_atomic, write_set

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "article_report.ipynb"
CORPUS_NOTEBOOK = ROOT / "notebooks" / "corpus_report.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "offline"
ENGINE_NAME = "analysis-kernel"
KERNEL_NAME = "python3"
STARTUP_TIMEOUT = 60  # seconds for a kernel to answer
CELL_TIMEOUT = 300  # seconds per notebook cell
# A report kernel keeps no input history: IPython's history thread writes every cell to an SQLite file
# (a fifth of a warm kernel's CPU per article), which no report reads.
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


# --- kernel and execution -------------------------------------------------------------------------

# jsonschema, which nbformat (so papermill and nbconvert) imports, loads rfc3987-syntax where it is
# installed (JupyterLab's jupyter-events brings it), and that package builds a Lark grammar on import:
# 1.4 s of CPU in every process that imports papermill. It serves only the "iri" formats, which no
# notebook schema uses; the processes that run and export notebooks do without it.
_UNUSED_IMPORTS = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Keep jsonschema from importing rfc3987-syntax (its IRI checks are never used for notebooks); call it
    before the first import of nbformat, papermill or nbconvert."""
    for name in _UNUSED_IMPORTS:
        sys.modules.setdefault(name, None)  # `import name` then raises ImportError, which jsonschema expects


def kernel_env(extra_path: Path = ROOT) -> dict[str, str]:
    """The environment of a report kernel: this one, with the project root on PYTHONPATH so `analysis` imports."""
    env = dict(os.environ)
    parts = [str(extra_path)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    env.setdefault("MPLBACKEND", "Agg")
    return env


def start_kernel(cwd: Path = NOTEBOOK.parent, kernel_name: str = KERNEL_NAME,
                 startup_timeout: int = STARTUP_TIMEOUT) -> Any:
    """A started, ready Jupyter kernel (an AsyncKernelManager) whose working directory is `cwd`."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name=kernel_name, transport_encryption="auto")  # CurveZMQ where the kernel can
    run_sync(km.start_kernel)(cwd=str(cwd), env=kernel_env(), extra_arguments=list(KERNEL_ARGUMENTS))
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=startup_timeout)
    except BaseException:
        client.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)
        raise
    client.stop_channels()
    return km


def stop_kernel(km: Any) -> None:
    """Shut a kernel from `start_kernel` down."""
    from jupyter_core.utils import run_sync

    if run_sync(km.is_alive)():
        run_sync(km.shutdown_kernel)(now=True)
    run_sync(km.cleanup_resources)()


def papermill_client(nb_man: Any, km: Any, kernel_name: str, log_output: bool, stdout_file: Any,
                     stderr_file: Any, start_timeout: int, timeout: int | None) -> Any:
    """papermill's notebook client on a kernel the caller started (for this module's and the batch engine)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.log import logger

    return PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, log=logger, timeout=timeout,
                                   startup_timeout=start_timeout, log_output=log_output,
                                   stdout_file=stdout_file, stderr_file=stderr_file)


def _register_engine() -> None:
    """Register the `analysis-kernel` papermill engine: execution in a kernel the caller started and keeps."""
    from papermill.engines import NBClientEngine, papermill_engines

    class KernelEngine(NBClientEngine):
        """Runs a notebook in the kernel passed as `km`; the kernel outlives the run, the client channels do not."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            """Execute the managed notebook in kwargs['km']."""
            client = papermill_client(nb_man, kwargs.pop("km"), kernel_name, log_output, stdout_file,
                                      stderr_file, start_timeout, execution_timeout or kwargs.get("timeout"))
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE_NAME, KernelEngine)


def execute_notebook(parameters: dict[str, Any], km: Any = None, notebook: Path = NOTEBOOK,
                     engine_name: str | None = None, timeout: int = CELL_TIMEOUT, **engine_kwargs: Any) -> Any:
    """The report notebook executed by papermill with `parameters`, in kernel `km` (one is started and stopped when None)."""
    import papermill

    own = km is None and engine_name is None
    if own:
        km = start_kernel(notebook.parent)
    if engine_name is None:
        _register_engine()
        engine_name, engine_kwargs = ENGINE_NAME, {**engine_kwargs, "km": km}
    _no_save_to_nowhere()
    try:
        nb = papermill.execute_notebook(str(notebook), None, parameters=parameters, engine_name=engine_name,
                                        kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                                        execution_timeout=timeout, start_timeout=STARTUP_TIMEOUT,
                                        **engine_kwargs)
        for cell in nb.cells:  # papermill gives the injected cell a random id; a stable one keeps reports stable
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["id"] = "injected-parameters"
        return nb
    finally:
        if own:
            stop_kernel(km)


def _no_save_to_nowhere() -> None:
    """Keep papermill from serialising (and validating) the executed notebook when it has no output path:
    its `write_ipynb(nb, None)` turns the whole notebook into JSON for a handler that drops it (~10 ms of
    an article's export); a write to a real path is unchanged."""
    import papermill.execute as pm_execute

    write = pm_execute.write_ipynb
    if getattr(write, "skips_nowhere", False):
        return

    def write_ipynb(nb: Any, path: Any) -> None:
        """papermill's write_ipynb, except to no path."""
        if path is not None:
            write(nb, path)

    write_ipynb.skips_nowhere = True  # type: ignore[attr-defined]
    pm_execute.write_ipynb = write_ipynb


# --- HTML export and checks -----------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def html_exporter() -> Any:
    """nbconvert's HTMLExporter (without its re-serialising pass: `analysis.report.exporter`) on the offline
    template: code cells and prompts hidden (built once per process: loading the template costs more than
    an export)."""
    from analysis.report.exporter import ReportExporter

    return ReportExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        embed_images=True, optimistic_validation=True)  # validated once, not after each step


def export_html(nb: Any, title: str = "Article report", declared_only: bool = True) -> str:
    """An executed notebook as one self-contained HTML page (in-process; nothing to fetch when opened)
    whose policy lets run only the scripts its outputs declare (`declared_only`, our notebooks), or every
    script it holds (a user's own notebook, whose outputs declare none)."""
    from analysis.report.csp import declared_scripts, with_csp

    body, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return with_csp(body, declared_scripts(nb) if declared_only else None)


def packaged(notebook: Path) -> bool:
    """Whether a notebook is one of ours (the article or the corpus report), whose scripts are declared."""
    return Path(notebook).resolve() in {NOTEBOOK.resolve(), CORPUS_NOTEBOOK.resolve()}


_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, ftp://, ws://, //host
_LOCAL_SCHEMES = re.compile(r"^\s*(?:data|blob|about|javascript|mailto|#)", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
_JS_IMPORT = re.compile(r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)['"]((?:[a-z][a-z0-9+.-]*:)?//[^'"]+)""", re.I)
# Attributes that make a browser fetch something, per tag ("*": any tag).
_LOADING = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
            "embed": ("src",), "object": ("data",), "source": ("src", "srcset"), "track": ("src",),
            "audio": ("src",), "video": ("src", "poster"), "input": ("src",), "image": ("href", "xlink:href"),
            "use": ("href", "xlink:href"), "link": ("href",), "*": ("background",)}


class _ResourceFinder(HTMLParser):
    """Collects the URLs an HTML page would load on opening."""

    def __init__(self) -> None:
        """An empty finder."""
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def _add(self, url: str | None) -> None:
        """Record a URL if it points at a host."""
        if url and _REMOTE.match(url) and not _LOCAL_SCHEMES.match(url):
            self.found.append(url.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Loading attributes, inline styles and meta refreshes of one tag."""
        names = _LOADING.get(tag, ()) + _LOADING["*"]
        values = dict(attrs)
        for name, value in attrs:
            if name in names and value:
                for part in value.split(",") if name == "srcset" else [value]:
                    self._add(part.strip().split(" ")[0])
            if name == "style" and value:
                self._css(value)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self._add((values.get("content") or "").partition("url=")[2] or None)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        """Leave a style or script element."""
        self._in = None

    def handle_data(self, data: str) -> None:
        """URLs in stylesheets and module imports in scripts."""
        if self._in == "style":
            self._css(data)
        elif self._in == "script":
            for match in _JS_IMPORT.finditer(data):
                self._add(match.group(1))

    def _css(self, css: str) -> None:
        """url(...) and @import in CSS."""
        for match in _CSS_URL.finditer(css):
            self._add(match.group(1) or match.group(2))


def external_resources(html: str) -> list[str]:
    """Every resource an HTML page would request from a host when opened (script/link/img/... and CSS url(), JS imports)."""
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# --- one report -----------------------------------------------------------------------------------

def slugify(text: str, limit: int = 60, fallback: str = "report") -> str:
    """A file name stem from a title: ASCII lowercase words joined by '-', at most `limit` characters (`fallback` when none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else fallback)


@dataclass(frozen=True)
class ReportResult:
    """Where a report went and how long its parts took (seconds)."""

    html_path: Path
    notebook_path: Path
    timings: dict[str, float] = field(default_factory=dict)


def report_parameters(article_path: str, published: str | None = None, title: str | None = None,
                      source: str | None = None, vocab: Sequence[str] = ()) -> dict[str, Any]:
    """The notebook's parameters for one article: its absolute path, date/title/source from the
    options, the file or its text, and a user's vocabulary folders (absolute; None when there are none)."""
    from analysis.reading.articles import article_title, publication_date, read_article

    article = read_article(article_path)
    return {"article": str(Path(article_path).resolve()),
            "published": published or publication_date(article),
            "title": title or article_title(article) or Path(article_path).stem,
            "source": source or article.source,
            "vocab": [str(Path(v).resolve()) for v in vocab] or None}


def render_report(article_path: str, out_dir: Path = ROOT / "reports", published: str | None = None,
                  title: str | None = None, source: str | None = None, slug: str | None = None,
                  km: Any = None, notebook: Path = NOTEBOOK, vocab: Sequence[str] = ()) -> ReportResult:
    """Run the report notebook on one article and write `<out>/<slug>.html` and the executed `<out>/<slug>.ipynb`."""
    t0 = time.perf_counter()
    import nbformat

    parameters = report_parameters(article_path, published, title, source, vocab)
    slug = slugify(slug) if slug else (slugify(parameters["title"] or "", fallback="") or slugify(Path(article_path).stem))
    out_dir = Path(out_dir)
    timings: dict[str, float] = {"prepare": time.perf_counter() - t0}
    own = km is None
    if own:
        t = time.perf_counter()
        km = start_kernel(notebook.parent)
        timings["kernel_start"] = time.perf_counter() - t
    notebook_path = out_dir / f"{slug}.ipynb"
    try:
        t = time.perf_counter()
        nb = execute_notebook(parameters, km=km, notebook=notebook)
        timings["execution"] = time.perf_counter() - t
    finally:
        if own:
            t = time.perf_counter()
            stop_kernel(km)
            timings["kernel_stop"] = time.perf_counter() - t
    t = time.perf_counter()
    html = export_html(nb, parameters["title"] or slug, declared_only=packaged(notebook))
    timings["html_export"] = time.perf_counter() - t
    remote = external_resources(html)
    if remote:
        raise RuntimeError(f"report would load from the network: {remote[:3]}")
    t = time.perf_counter()
    html_path = out_dir / f"{slug}.html"
    write_set(out_dir, {notebook_path.name: nbformat.writes(nb), html_path.name: html}, whole=False)
    timings["write"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return ReportResult(html_path, notebook_path, timings)


def strip_run_metadata(nb: Any) -> Any:
    """The notebook without what changes on every run and says nothing about the outputs (papermill timings, cell timestamps, local paths)."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def refresh_notebook(notebook: Path = NOTEBOOK) -> Path:
    """Re-run the committed notebook in place on its defaults (the seed), keeping the outputs nbval compares against."""
    import nbformat

    nb = strip_run_metadata(execute_notebook({}, notebook=notebook))
    write_atomic(notebook, nbformat.writes(nb) + "\n")
    return notebook
