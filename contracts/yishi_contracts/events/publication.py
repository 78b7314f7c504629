"""Events published by the publication service (公开公示, 组织落实, 成果转化)."""
