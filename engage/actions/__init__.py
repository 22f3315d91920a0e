"""Action items: closing the loop on what customers said."""
