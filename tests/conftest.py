from pathlib import Path
import random

import pytest


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20201)


@pytest.fixture(autouse=True)
def no_baseline_secret(monkeypatch, tmp_path):
    """Keep the developer's own baseline key (env or key file) out of every test."""
    monkeypatch.delenv("PIISCAN_BASELINE_KEY", raising=False)
    monkeypatch.delenv("PIISCAN_BASELINE_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


#: The procuratorate release shipped beside the checkout in shared/ (real, messy
#: Chinese text with no personal information): a hard-negative background.
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_e5c90977a8e6c7f8.txt"
