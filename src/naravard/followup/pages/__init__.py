"""The pages: what the follow-up's web pages show (dashboard, compare, targets), their charts and formats."""
