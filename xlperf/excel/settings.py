"""Settings for the buttons: the 配置 sheet over ``xlperf.toml`` beside the workbook.

The parsing is pure and lives in :mod:`xlperf.core.config` (one parser for the command line,
the batch and the ribbon); this module only keeps the names the Excel side has always used.
"""

from __future__ import annotations

from ..core.config import (  # noqa: F401 - re-exported for the Excel side and the workbook build
    LEVELS,
    SHARE_KEYS,
    build_config,
    merge_settings,
    settings_from_rows,
    toml_settings,
)
