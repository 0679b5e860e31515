# A package only so that the tests can import the samples under docs/examples.
