/** A domain's box on the map: a soft tint behind its products. Its name is drawn by DomainLabels, above them. */
import type { NodeProps } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import type { DomainNodeType } from './flow-nodes.js';

function DomainNodeView({ data }: NodeProps<DomainNodeType>): ReactNode {
  return <div className={`map-domain map-tint-${data.tint}`} data-domain={data.domain.id} />;
}

export const DomainNode = memo(DomainNodeView);
