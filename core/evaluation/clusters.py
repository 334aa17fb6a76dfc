"""Word clusters learned from unlabelled text, for the tagger's features (``sayso train``).

Words that occur in the same contexts get the same cluster id, so what the tagger learns about
"blamed" carries over to "faulted", seen once in training. Each word of the text seen at least
``MIN_COUNT`` times gets a vector of its neighbours (which of the ``CONTEXT_WORDS`` most frequent
words stand one and two tokens to its left and right, as square roots of their shares: a
Hellinger distance), reduced to ``DIMENSIONS`` by a randomised SVD; k-means then groups the
vectors twice, coarsely (``COARSE``) and finely (``FINE``). Brown clusters would give nested
groups from one run; two k-means runs are seconds with numpy and give the tagger the same two
grains. The whole computation is seeded: the same text and seed give the same table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_COUNT = 3
CONTEXT_WORDS = 600
DIMENSIONS = 64
COARSE = 64
FINE = 512
KMEANS_ROUNDS = 25
# Context positions: two to the left, one to the left, one to the right, two to the right.
_OFFSETS = (-2, -1, 1, 2)


def learn_clusters(
    sentences: Iterable[list[str]], seed: int = 0, coarse: int = COARSE, fine: int = FINE
) -> dict[str, tuple[int, int]]:
    """Each frequent enough word's (coarse, fine) cluster ids, from token lists (lower-cased
    here); empty when the text has fewer such words than ``fine`` clusters."""
    import numpy as np

    sequences = [[word.lower() for word in sentence] for sentence in sentences]
    counts = Counter(word for sequence in sequences for word in sequence)
    vocabulary = sorted(
        w for w, n in counts.items() if n >= MIN_COUNT and any(c.isalpha() for c in w)
    )
    if len(vocabulary) < fine:
        return {}
    contexts = [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    context_id = {w: i for i, w in enumerate(contexts[:CONTEXT_WORDS])}
    word_id = {w: i for i, w in enumerate(vocabulary)}
    width = len(_OFFSETS) * CONTEXT_WORDS
    cells: list[int] = []
    for sequence in sequences:
        ids = [word_id.get(w, -1) for w in sequence]
        neighbours = [context_id.get(w, -1) for w in sequence]
        for position, row in enumerate(ids):
            if row < 0:
                continue
            for block, offset in enumerate(_OFFSETS):
                other = position + offset
                if 0 <= other < len(sequence) and neighbours[other] >= 0:
                    cells.append(row * width + block * CONTEXT_WORDS + neighbours[other])
    counted = np.bincount(np.array(cells, dtype=np.int64), minlength=len(vocabulary) * width)
    shares = counted.reshape(len(vocabulary), width) / 1.0
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1.0)
    matrix = np.sqrt(shares)
    rng = np.random.default_rng(seed)
    vectors = _reduce(matrix, DIMENSIONS, rng)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    coarse_ids = _kmeans(vectors, coarse, rng)
    fine_ids = _kmeans(vectors, fine, rng)
    return {w: (int(coarse_ids[i]), int(fine_ids[i])) for i, w in enumerate(vocabulary)}


def _reduce(matrix: np.ndarray, dimensions: int, rng: np.random.Generator) -> np.ndarray:
    """The rows of ``matrix`` projected on its top singular directions (randomised SVD)."""
    import numpy as np

    centred = matrix - matrix.mean(axis=0)
    dimensions = min(dimensions, *centred.shape)
    sketch = centred @ rng.standard_normal((centred.shape[1], dimensions + 16))
    for _ in range(2):  # power iterations sharpen the sketch's top directions
        sketch, _r = np.linalg.qr(sketch)
        sketch = centred @ (centred.T @ sketch)
    basis, _r = np.linalg.qr(sketch)
    small = basis.T @ centred
    left, values, _vt = np.linalg.svd(small, full_matrices=False)
    return (basis @ left[:, :dimensions]) * values[:dimensions]


def _kmeans(vectors: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Cluster ids of unit ``vectors`` by cosine k-means, seeded by k-means++."""
    import numpy as np

    count = vectors.shape[0]
    centres = np.empty((k, vectors.shape[1]))
    centres[0] = vectors[rng.integers(count)]
    nearest = 2.0 - 2.0 * (vectors @ centres[0])
    for index in range(1, k):
        weights = np.maximum(nearest, 0.0)
        centres[index] = vectors[rng.choice(count, p=weights / weights.sum())]
        nearest = np.minimum(nearest, 2.0 - 2.0 * (vectors @ centres[index]))
    assignment = np.zeros(count, dtype=np.int64)
    for _ in range(KMEANS_ROUNDS):
        assignment = np.argmax(vectors @ centres.T, axis=1)
        for index in range(k):
            members = vectors[assignment == index]
            if len(members):
                centre = members.sum(axis=0)
                centres[index] = centre / max(np.linalg.norm(centre), 1e-12)
    return assignment
