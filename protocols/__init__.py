"""Network protocols built on the qnet_core engine and the channels package."""
