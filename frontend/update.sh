#!/usr/bin/env bash
# Rebuild the vendored front end from the pinned versions in frontend/package.json:
#   static/govuk/                 GOV.UK Frontend CSS (Arial, no GDS Transport), JS and images
#   tests/browser/vendor/axe.min.js  axe-core for the browser accessibility tests
# The output is committed, so running Golden Thread never needs Node. Run this after changing
# frontend/package.json or frontend/src/app.scss, then commit the result.
# See docs/decisions/0002-govuk-frontend-vendored-with-arial.md.
set -euo pipefail

frontend_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(dirname "$frontend_dir")"
govuk_src="$frontend_dir/node_modules/govuk-frontend/dist/govuk"
static_out="$root_dir/static/govuk"
axe_out="$root_dir/tests/browser/vendor"

cd "$frontend_dir"
# No package here needs an install script (sass's optional file watcher is unused).
npm ci --no-audit --no-fund --ignore-scripts

# Start clean so files dropped by a new release do not linger.
rm -rf "$static_out"
mkdir -p "$static_out/assets" "$axe_out"

npx --no-install sass \
    --load-path=node_modules \
    --style=compressed \
    --no-source-map \
    src/app.scss "$static_out/app.css"

# The minified module references its source map; copy both so hashed static storage finds it.
cp "$govuk_src/govuk-frontend.min.js" "$govuk_src/govuk-frontend.min.js.map" "$static_out/"

# Images and the manifest only: the GDS Transport fonts are for GOV.UK itself, not council sites.
cp -R "$govuk_src/assets/images" "$static_out/assets/images"
cp "$govuk_src/assets/manifest.json" "$static_out/assets/manifest.json"

cp node_modules/axe-core/axe.min.js "$axe_out/axe.min.js"

installed_version() {
    node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"
}
govuk_version="$(installed_version govuk-frontend)"
axe_version="$(installed_version axe-core)"
sass_version="$(installed_version sass)"
cat > "$static_out/VERSION" <<EOF
govuk-frontend $govuk_version
axe-core $axe_version
sass $sass_version
EOF

if grep -q "GDS Transport" "$static_out/app.css"; then
    echo "update.sh: app.css still mentions GDS Transport; check the font settings in src/app.scss" >&2
    exit 1
fi

echo "Built static/govuk (govuk-frontend $govuk_version) and tests/browser/vendor/axe.min.js (axe-core $axe_version)."
