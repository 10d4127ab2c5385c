"""The programme's figures: indicators for the evaluation, the public counters and open data."""
