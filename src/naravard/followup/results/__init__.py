"""The results: their storage, suppression and queries, the targets they are judged against and the headline."""
