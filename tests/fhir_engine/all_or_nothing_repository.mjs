// Medplum's in-memory repository with the rollback its PostgreSQL repository has.
//
// Why: @medplum/fhir-router runs a transaction inside `repo.withTransaction`, and its
// MemoryRepository runs that callback with no rollback ("MockRepository currently does not
// support transactions", src/repo.ts), so a transaction that fails at its tenth entry would keep
// the first nine. This subclass copies the repository's two maps before the transaction and puts
// them back when it throws: all or nothing, as on a real server. Imports run one at a time, so
// no isolation is needed beyond that. It reaches into two private fields (`resources`,
// `history`); if Medplum renames them it refuses to start, and the engine tests fail.
import { MemoryRepository } from '@medplum/fhir-router';

function copyOf(byType) {
  // Why: stored resources are replaced, never changed in place; only a history list grows.
  return new Map(
    [...byType].map(([type, byId]) => [type, new Map([...byId].map(([id, kept]) => [id, Array.isArray(kept) ? [...kept] : kept]))]),
  );
}

function putBack(byType, saved) {
  byType.clear();
  for (const [type, byId] of saved) byType.set(type, byId);
}

export class AllOrNothingRepository extends MemoryRepository {
  constructor() {
    super();
    if (!(this.resources instanceof Map && this.history instanceof Map)) {
      throw new Error('@medplum/fhir-router MemoryRepository no longer keeps `resources` and `history` maps: update all_or_nothing_repository.mjs');
    }
  }

  async withTransaction(callback) {
    const resources = copyOf(this.resources);
    const history = copyOf(this.history);
    try {
      return await callback(undefined);
    } catch (err) {
      putBack(this.resources, resources);
      putBack(this.history, history);
      throw err;
    }
  }
}
