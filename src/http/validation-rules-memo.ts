import { getMetadataStorage } from 'class-validator';

type RulesLookup = (target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups: string[] | undefined) => unknown[];
type Grouping = (rules: unknown[]) => Record<string, unknown[]>;

interface MetadataStorageInternals {
  getTargetValidationMetadatas: RulesLookup;
  groupByPropertyName: Grouping;
}

let installed = false;

/**
 * class-validator works out the rules of a class afresh on every validation: it filters every rule registered for
 * any class by target and inheritance, then groups them by property. Under the decisions benchmark that was a third
 * of the cost of validating a body and a twentieth of everything the server allocates (measured). The rules of a
 * class are complete once the class is defined (its decorators run then), so the answer for a class, with the same
 * options, never changes afterwards: it is worked out once and kept. Validation groups bypass the memo (no DTO
 * here uses them). The executor only reads what it gets back, so sharing the arrays is safe.
 */
export function rememberValidationRules(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage() as unknown as MetadataStorageInternals;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const rulesByClass = new Map<Function, Map<string, unknown[]>>();
  const grouped = new WeakMap<unknown[], Record<string, unknown[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if ((groups !== undefined && groups.length > 0) || typeof target !== 'function') return lookUp(target, schema, always, strictGroups, groups);
    let byOptions = rulesByClass.get(target);
    if (!byOptions) rulesByClass.set(target, (byOptions = new Map()));
    const key = `${schema ?? ''}\n${always}\n${strictGroups}`;
    let rules = byOptions.get(key);
    if (!rules) byOptions.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };
  storage.groupByPropertyName = (rules) => {
    let byProperty = grouped.get(rules);
    if (!byProperty) grouped.set(rules, (byProperty = group(rules)));
    return byProperty;
  };
}
