"""Configuration: typed, documented parameters, platform archetypes, and scenarios loaded
from TOML and validated once.

The public names are re-exported here, so ``from model.config import load_scenario,
MarketConfig`` works; inside the project, modules import from the defining module.
"""

from model.config.behaviour import ProductConfig, RankingConfig
from model.config.params import ConfigError
from model.config.participants import ConsumerConfig, SellerConfig
from model.config.platforms import FeeResponse, FeeTier, PlatformConfig
from model.config.scenario import (
    SCENARIO_DIR,
    CategoryConfig,
    EventConfig,
    MarketConfig,
    RegionConfig,
    TargetConfig,
    config_from_dict,
    list_scenarios,
    load_scenario,
    scenario_path,
)

__all__ = ["SCENARIO_DIR", "CategoryConfig", "ConfigError", "ConsumerConfig", "EventConfig",
           "FeeResponse", "FeeTier", "MarketConfig", "PlatformConfig", "ProductConfig",
           "RankingConfig", "RegionConfig", "SellerConfig", "TargetConfig", "config_from_dict",
           "list_scenarios", "load_scenario", "scenario_path"]
