"""Social networks: consumers' word-of-mouth contacts and sellers' peer network.

The consumer network is a Watts–Strogatz small world built directly as compressed
arrays (a networkx graph of a million nodes is slow and large); :func:`to_networkx`
turns it into a graph for analysis. The seller network is small and built with networkx.
"""

from __future__ import annotations

import networkx as nx
import numpy as np


def small_world_edges(n: int, degree: int, rewiring: float, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Undirected small-world edges (sources, targets): a ring lattice where each node
    links to its ``degree // 2`` next neighbours, each edge rewired with ``rewiring``."""
    half = max(1, degree // 2)
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    sources = np.repeat(np.arange(n), half)
    targets = (sources + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(len(sources)) < rewiring
    targets[rewire] = rng.integers(0, n, size=int(rewire.sum()))
    keep = sources != targets
    return sources[keep], targets[keep]


def to_csr(n: int, sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric adjacency as (indptr, indices) for fast neighbour gathers."""
    both_from = np.concatenate([sources, targets])
    both_to = np.concatenate([targets, sources])
    order = np.argsort(both_from, kind="stable")
    indices = both_to[order].astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(both_from, minlength=n), out=indptr[1:])
    return indptr, indices


def neighbours(indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """All neighbours of ``nodes`` (with repeats), in one vectorised gather."""
    starts, ends = indptr[nodes], indptr[nodes + 1]
    lengths = ends - starts
    if lengths.sum() == 0:
        return np.empty(0, dtype=indices.dtype)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return indices[offsets + np.arange(lengths.sum())]


def to_networkx(indptr: np.ndarray, indices: np.ndarray) -> nx.Graph:
    """The consumer network as a networkx graph (for analysis of small populations)."""
    n = len(indptr) - 1
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    sources = np.repeat(np.arange(n), np.diff(indptr))
    graph.add_edges_from(zip(sources.tolist(), indices.tolist(), strict=True))
    return graph


def seller_peer_edges(n: int, degree: int, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Directed peer links (both directions) of a seller small world built with networkx."""
    k = min(max(2, degree), max(2, n - 1))
    if n <= k:
        graph = nx.complete_graph(n)
    else:
        graph = nx.watts_strogatz_graph(n, k, 0.2, seed=rng)
    edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
    return (np.concatenate([edges[:, 0], edges[:, 1]]),
            np.concatenate([edges[:, 1], edges[:, 0]]))
