"""``keras.utils.plot_model`` and ``model_to_dot`` without graphviz: the model's layer graph as
DOT text (``.dot``/``.gv``), an SVG drawn here (``.svg``) or plain text (``.txt``). Raster and PDF
files need graphviz itself, as in Keras, so they raise the ImportError Keras raises."""

from __future__ import annotations

import html
import os


def _graph(model, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    """(labels, edges): one label (a list of lines) per layer, edges as (from, to) indices."""
    layers = list(model.layers)
    index = {layer.name: i for i, layer in enumerate(layers)}
    labels, edges = [], []
    for i, layer in enumerate(layers):
        kind = type(layer).__name__
        lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
        if show_layer_activations and hasattr(layer, "activation"):
            lines.append(f"activation: {getattr(layer.activation, '__name__', layer.activation)}")
        if show_dtype:
            lines.append(f"dtype: {layer.dtype}")
        if show_shapes:
            for what in ("input_shape", "output_shape"):
                try:
                    shape = getattr(layer, what)
                except (AttributeError, ValueError, RuntimeError):
                    shape = "?"
                lines.append(f"{what.split('_')[0]}: {shape}")
        if show_trainable:
            lines.append(f"trainable: {'T' if layer.trainable else 'F'}")
        labels.append(lines)
        inbound = model._layer_inbound(layer)
        if inbound is None:  # a stack: each layer reads the one before
            if i:
                edges.append((i - 1, i))
        else:
            for source in inbound:
                j = index.get(source.split("[", 1)[0])
                if j is not None:
                    edges.append((j, i))
    return labels, edges


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, **kwargs) -> str:
    """The layer graph as Graphviz DOT source."""
    labels, edges = _graph(model, show_shapes, show_dtype, show_layer_names, show_layer_activations,
                           show_trainable)
    out = [f'digraph "{model.name}" {{', f"  graph [rankdir={rankdir}, dpi={dpi}];",
           "  node [shape=record];"]
    for i, lines in enumerate(labels):
        text = "|".join(line.replace('"', r"\"").replace("{", r"\{").replace("}", r"\}") for line in lines)
        out.append(f'  {i} [label="{text}"];')
    out.extend(f"  {a} -> {b};" for a, b in edges)
    out.append("}")
    return "\n".join(out) + "\n"


def _svg(labels, edges) -> str:
    """Boxes stacked top to bottom, one per layer, with arrows for the edges (a layer reading a
    layer further up gets a curved arrow on the right)."""
    width, line_h, gap, pad = 360, 18, 30, 8
    tops, y = [], 10
    for lines in labels:
        tops.append(y)
        y += len(lines) * line_h + 2 * pad + gap
    height = max(y - gap + 10, 20)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 80}" height="{height}" '
             f'font-family="monospace" font-size="12">',
             '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
             '<path d="M0,0 L8,4 L0,8 z"/></marker></defs>']
    box_h = [len(lines) * line_h + 2 * pad for lines in labels]
    for i, lines in enumerate(labels):
        parts.append(f'<rect x="10" y="{tops[i]}" width="{width}" height="{box_h[i]}" fill="#f4f4f4" '
                     'stroke="#333"/>')
        for k, line in enumerate(lines):
            parts.append(f'<text x="{10 + width / 2}" y="{tops[i] + pad + (k + 1) * line_h - 4}" '
                         f'text-anchor="middle">{html.escape(line)}</text>')
    for a, b in edges:
        y0, y1 = tops[a] + box_h[a], tops[b]
        if b == a + 1:
            parts.append(f'<line x1="{10 + width / 2}" y1="{y0}" x2="{10 + width / 2}" y2="{y1}" '
                         'stroke="#333" marker-end="url(#arrow)"/>')
        else:
            x = 10 + width
            parts.append(f'<path d="M{x},{tops[a] + box_h[a] / 2} C{x + 60},{tops[a] + box_h[a] / 2} '
                         f'{x + 60},{y1 + box_h[b] / 2} {x},{y1 + box_h[b] / 2}" fill="none" stroke="#333" '
                         'marker-end="url(#arrow)"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Write the model's layer graph to ``to_file``: ``.svg`` (drawn here), ``.dot``/``.gv``
    (Graphviz source) or ``.txt`` (one layer per line with what it reads). Returns the text
    written."""
    ext = os.path.splitext(os.fspath(to_file))[1].lower()
    options = (show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
    if ext in (".dot", ".gv"):
        text = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
                            show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    elif ext == ".svg":
        text = _svg(*_graph(model, *options))
    elif ext == ".txt":
        labels, edges = _graph(model, *options)
        reads = {b: [a for a, c in edges if c == b] for b in range(len(labels))}
        rows = []
        for i, lines in enumerate(labels):
            source = f"  <- {', '.join(labels[a][0] for a in reads[i])}" if reads[i] else ""
            rows.append(" | ".join(lines) + source + "\n")
        text = "".join(rows)
    else:
        raise ImportError("You must install pydot (`pip install pydot`) and install graphviz "
                          "(see instructions at https://graphviz.gitlab.io/download/) for `plot_model` to "
                          f"write {ext or 'that'} files; .svg, .dot and .txt are written without them.")
    with open(to_file, "w", encoding="utf-8") as f:
        f.write(text)
    return text
