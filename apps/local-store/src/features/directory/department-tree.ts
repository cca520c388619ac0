import type { Department, DepartmentNode } from '@dtg/contracts';

/**
 * Nests departments under their parents, each with its direct member count. A department whose
 * parent is unknown or removed becomes a root, and so does one caught in a parent cycle (bad data
 * must not make departments vanish).
 */
export function buildDepartmentTree(departments: readonly Department[], memberCounts: ReadonlyMap<number, number> = new Map()): DepartmentNode[] {
  const nodes = new Map<number, DepartmentNode>();
  for (const dept of departments) nodes.set(dept.deptId, { ...dept, memberCount: memberCounts.get(dept.deptId) ?? 0, children: [] });
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent && parent !== node && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The node of `deptId` anywhere in the tree. */
export function findNode(roots: readonly DepartmentNode[], deptId: number): DepartmentNode | undefined {
  for (const node of roots) {
    if (node.deptId === deptId) return node;
    const found = findNode(node.children, deptId);
    if (found) return found;
  }
  return undefined;
}

/** True when `candidate` already sits below `node` (attaching it would close a cycle). */
function isAncestor(node: DepartmentNode, candidate: DepartmentNode, nodes: Map<number, DepartmentNode>): boolean {
  const seen = new Set<number>();
  for (let current: DepartmentNode | undefined = candidate; current;) {
    if (current === node) return true;
    if (seen.has(current.deptId)) return false;
    seen.add(current.deptId);
    current = current.parentId === null ? undefined : nodes.get(current.parentId);
  }
  return false;
}
