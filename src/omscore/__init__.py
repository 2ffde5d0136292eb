"""omscore: an embeddable order-management core."""
