"""Dashboard door: charts for managers and the bureau head (ECharts, served locally)."""
