"""Draw the book's social-preview image (book/_ext/social-preview.png, 1200 x 630 pixels).

Link previews (Open Graph, Twitter cards) show it; run this once after changing the title.
The picture: gradient descent's iterates sliding down a parabola, and the title.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "book" / "_ext" / "social-preview.png"


def main() -> None:
    fig = plt.figure(figsize=(12, 6.3), dpi=100, facecolor="#1f4e79")
    ax = fig.add_axes((0.70, 0.12, 0.27, 0.76))
    x = np.linspace(-3, 3, 200)
    ax.plot(x, x**2, color="white", lw=4)
    steps = [-2.8]
    for _ in range(7):
        steps.append(steps[-1] - 0.3 * 2 * steps[-1])  # gradient descent on x^2 with rate 0.3
    s = np.array(steps)
    ax.plot(s, s**2, "o", color="#f2a900", ms=14)
    ax.set_axis_off()
    fig.text(0.05, 0.62, "Backpropagation and\nGradient Descent,\nExecuted", color="white", fontsize=40,
             fontweight="bold", va="center")
    fig.text(0.05, 0.2, "An executable textbook, and bpkit,\nthe library it runs on",
             color="#dbe7f3", fontsize=19)
    fig.savefig(OUT, facecolor=fig.get_facecolor())
    plt.close(fig)


if __name__ == "__main__":
    main()
