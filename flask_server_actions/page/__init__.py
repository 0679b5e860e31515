"""The render side: template helpers, minting tokens, state, notices, fragments, client scripts."""
