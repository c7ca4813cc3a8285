"""The lint pipeline, one step a module, each readable alone:

1. :mod:`.discover` -- paths to the files to lint (directory walks, ``.gitignore``);
2. :mod:`.build` -- files to the policy model (each frontend reads its own files);
3. :mod:`.check` -- the model to each rule's findings;
4. :mod:`.report` -- the findings as the user reads them, and the ``LintResult``.

:func:`corslint.lint.lint` runs them in that order. :mod:`.runtime` is how a
run uses the machine (a second core for the rules of a large model, the
garbage collector, the console's exit); no step depends on what it does.
"""
