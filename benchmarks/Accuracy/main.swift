print("accuracy benchmark: not yet written")
