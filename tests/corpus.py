"""Many small articles made from the seeds, for tests that need a batch (workers, kills)."""

from pathlib import Path

from tests.conftest import SEEDS


def write_corpus(directory: Path, count: int) -> list[Path]:
    """Write ``count`` distinct articles into ``directory``: seed paragraphs, rotated."""
    paragraphs = [
        paragraph
        for seed in sorted(SEEDS.glob("*.txt"))
        for paragraph in seed.read_text().split("\n\n")
        if paragraph.strip()
    ]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        start = number % len(paragraphs)
        body = (paragraphs[start:] + paragraphs[:start])[:8]
        text = f"Story number {number} on the talks\n\n" + "\n\n".join(body) + "\n"
        path = directory / f"{number:04d}.txt"
        path.write_text(text)
        paths.append(path)
    return paths
