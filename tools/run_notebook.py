#!/usr/bin/python3
"""Execute a Jupyter notebook headlessly and save it with its outputs.

Built on nbclient, with one change that matters for Deno's kernel: the kernel reports "idle" before it has
sent all of a cell's output, so after the idle message this runner keeps reading the cell's output until it
has been quiet for --quiet seconds (0.3 by default). Without that, the last lines and displays of a cell
vanish or land in the next cell.

The saved notebook is normalised so that re-running it does not churn: no per-cell timing metadata, and
notebook metadata reduced to the kernel spec and the stable parts of language_info.

Usage:
    /usr/bin/python3 tools/run_notebook.py NOTEBOOK [--output PATH] [--timeout SECONDS]
    /usr/bin/python3 tools/run_notebook.py --sandbox --in-place NOTEBOOK...   # regenerate committed outputs

The kernel gets NO_COLOR=1 (plain outputs without ANSI escapes) unless --colour is given, and runs in the
notebook's own folder (so relative imports such as ../mod.ts work) unless --cwd is given, whatever --output
says. --sandbox removes every FIVETRAN_* variable from the kernel's environment first, so the notebooks start
their in-process sandbox: use it to regenerate the committed outputs.

Exit codes: 0 every cell ran; 1 a cell failed or timed out (the message names the cell; when --output is
given the notebook is still written, with the error in the failing cell); 2 bad usage or no Jupyter/kernel.
"""

import argparse
import os
import sys
from queue import Empty

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async
    from jupyter_client.kernelspec import NoSuchKernel
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"run_notebook: {error}; install Jupyter with: bash tools/install_jupyter.sh", file=sys.stderr)
    sys.exit(2)

# Keys of language_info that do not change from one Deno release to the next.
STABLE_LANGUAGE_INFO = ("name", "file_extension", "mimetype", "codemirror_mode", "pygments_lexer", "nbconvert_exporter")


class QuietClient(NotebookClient):
    """An nbclient NotebookClient that waits for a cell's output to go quiet after the kernel says idle."""

    def __init__(self, nb, quiet_period=0.3, **kw):
        super().__init__(nb, **kw)
        self.quiet_period = quiet_period
        self.current_index = None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.current_index = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        idle = False
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.quiet_period if idle else None))
            except Empty:
                return  # idle, and nothing more arrived for quiet_period seconds
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True


def coalesce_streams(outputs):
    """Joins consecutive stream outputs of the same stream (Deno sends one message per console.log line)."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def normalise(nb):
    """Drops what churns between runs: per-cell timing and kernel/version metadata; joins stream outputs."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.get("outputs", []))
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
    metadata = nb.metadata
    info = metadata.get("language_info", {})
    stable = {k: info[k] for k in STABLE_LANGUAGE_INFO if k in info}
    spec = metadata.get("kernelspec", {})
    kept = {}
    if spec:
        kept["kernelspec"] = {k: spec[k] for k in ("display_name", "language", "name") if k in spec}
    if stable:
        kept["language_info"] = stable
    for key in list(metadata.keys()):
        if key not in ("kernelspec", "language_info"):
            kept[key] = metadata[key]
    nb.metadata = nbformat.from_dict(kept)
    return nb


def describe(nb, index, path):
    if index is None:
        return f"{path}: before the first cell"
    cell = nb.cells[index]
    first = next((line for line in cell.source.splitlines() if line.strip()), "").strip()
    if len(first) > 70:
        first = first[:67] + "..."
    return f"{path}: cell {index + 1} of {len(nb.cells)} ({first})"


def error_summary(nb, index):
    if index is None:
        return ""
    for output in nb.cells[index].get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return ""


def write(nb, path):
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def run_one(path, args):
    """Runs one notebook; returns the exit code (0, 1 or 2)."""
    source = os.path.abspath(path)
    try:
        nb = nbformat.read(source, as_version=4)
    except (OSError, ValueError) as error:
        print(f"run_notebook: cannot read {path}: {error}", file=sys.stderr)
        return 2
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name") or "deno"
    cwd = os.path.abspath(args.cwd) if args.cwd else os.path.dirname(source)
    client = QuietClient(
        nb,
        quiet_period=args.quiet,
        timeout=int(args.timeout),
        iopub_timeout=30,
        kernel_name=kernel,
        record_timing=False,
        allow_errors=False,
        resources={"metadata": {"path": cwd}},
    )
    output = source if args.in_place else (os.path.abspath(args.output) if args.output else None)
    failure = None
    try:
        client.execute()
    except NoSuchKernel:
        print(f"run_notebook: no Jupyter kernel named '{kernel}'; run: bash tools/install_jupyter.sh", file=sys.stderr)
        return 2
    except CellExecutionError:
        failure = "failed"
    except CellTimeoutError:
        failure = f"timed out after {args.timeout:g} s"
    except DeadKernelError:
        failure = "killed the kernel"
    if failure:
        where = describe(nb, client.current_index, path)
        summary = error_summary(nb, client.current_index)
        print(f"run_notebook: {where} {failure}" + (f": {summary}" if summary else ""), file=sys.stderr)
        if output and not args.in_place:
            write(normalise(nb), output)
        return 1
    normalise(nb)
    if output:
        write(nb, output)
    cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    wrote = f", wrote {os.path.relpath(output)}" if output else ""
    print(f"run_notebook: {path}: {cells} code cells ran{wrote}")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description="Execute notebooks headlessly (waiting for quiet output).")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--output", "-o", help="where to write the executed notebook (one notebook only)")
    target.add_argument("--in-place", action="store_true", help="overwrite each notebook (only when every cell ran)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds each cell may take (default 120)")
    parser.add_argument("--quiet", type=float, default=0.3, help="seconds of silence that end a cell's output")
    parser.add_argument("--kernel", help="kernel name (default: the notebook's kernelspec, else deno)")
    parser.add_argument("--colour", action="store_true", help="keep ANSI colour in outputs (default: NO_COLOR=1)")
    parser.add_argument("--sandbox", action="store_true",
                        help="remove every FIVETRAN_* variable from the kernel's environment, so the notebooks "
                             "use their in-process sandbox (for the committed outputs)")
    parser.add_argument("--cwd", help="the kernel's working folder (default: each notebook's folder)")
    args = parser.parse_args(argv)
    if args.output and len(args.notebooks) > 1:
        parser.error("--output takes one notebook")
    if not args.colour:
        os.environ["NO_COLOR"] = "1"  # the kernel inherits it: plain text outputs, no ANSI escapes
    if args.sandbox:
        for key in [k for k in os.environ if k.startswith("FIVETRAN_")]:
            del os.environ[key]
    worst = 0
    for path in args.notebooks:
        code = run_one(path, args)
        worst = max(worst, code)
        if code:
            break
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
